// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML;

/// <summary>
/// Keeps the trained model of the experiment's best trial only: whenever a trial ends, every model but the best
/// trial's is released, so that a sweep holds one trained network at a time. Which trial is best is the experiment's
/// to say (<paramref name="best"/>); this follows it, and passes every report on to the user's monitor.
/// </summary>
/// <remarks>The experiment calls its monitor one report at a time, so this needs no lock of its own.</remarks>
internal sealed class ModelKeeper(Func<TrialResult?> best, IMonitor? next) : IMonitor
{
    private readonly List<TrialResult> _holding = [];

    public void ReportRunningTrial(TrialSettings settings) => next?.ReportRunningTrial(settings);

    public void ReportCompletedTrial(TrialResult result)
    {
        if (result.Model != null)
        {
            _holding.Add(result);
        }

        ReleaseAllButBest();
        next?.ReportCompletedTrial(result);
    }

    public void ReportBestTrial(TrialResult result)
    {
        ReleaseAllButBest();
        next?.ReportBestTrial(result);
    }

    public void ReportPrunedTrial(TrialResult result)
    {
        Release(result);
        next?.ReportPrunedTrial(result);
    }

    public void ReportCanceledTrial(TrialResult result)
    {
        Release(result);
        next?.ReportCanceledTrial(result);
    }

    public void ReportFailTrial(TrialResult result, Exception? exception = null)
    {
        Release(result);
        next?.ReportFailTrial(result, exception);
    }

    /// <summary>Releases every held model but the best trial's.</summary>
    public void ReleaseAllButBest()
    {
        var keep = best();
        foreach (var result in _holding.Where(r => !ReferenceEquals(r, keep)).ToList())
        {
            Release(result);
            _holding.Remove(result);
        }
    }

    private static void Release(TrialResult result)
    {
        TrialModels.Release(result.Model);
        result.Model = null;
    }
}
