// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Hears about trials as an experiment runs them.
/// </summary>
public interface IMonitor
{
    /// <summary>Called when a trial starts.</summary>
    /// <param name="settings">The trial.</param>
    void ReportRunningTrial(TrialSettings settings);

    /// <summary>Called when a trial completes with a finite loss.</summary>
    /// <param name="result">The result.</param>
    void ReportCompletedTrial(TrialResult result);

    /// <summary>Called when a completed trial is the best so far (lowest loss).</summary>
    /// <param name="result">The new best result.</param>
    void ReportBestTrial(TrialResult result);

    /// <summary>Called when a pruner stopped a trial; the result keeps its last reported value.</summary>
    /// <param name="result">The pruned trial.</param>
    void ReportPrunedTrial(TrialResult result)
    {
        // Optional: monitors written before pruning existed need not hear about it.
    }

    /// <summary>Called when the caller's cancellation or the time budget stopped a running trial.</summary>
    /// <param name="result">The canceled trial, with the values it reported before it stopped.</param>
    void ReportCanceledTrial(TrialResult result)
    {
        // Optional: the run is ending, and monitors written before this state existed need not hear about it.
    }

    /// <summary>Called when a trial fails: it threw, or returned a NaN or infinite loss.</summary>
    /// <param name="result">The failed trial: its settings, what it reported before it failed, and in
    /// <see cref="TrialResult.ErrorMessage"/> why it failed (the exception's message, or the loss it returned).</param>
    /// <param name="exception">The exception, or null for a non-finite loss.</param>
    void ReportFailTrial(TrialResult result, Exception? exception = null);
}
