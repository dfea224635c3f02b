// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Decides which configuration to try next. Tuners minimise <see cref="TrialResult.Loss"/>.
/// </summary>
public interface ITuner
{
    /// <summary>Proposes the configuration for a trial.</summary>
    /// <param name="settings">The trial about to run; its <see cref="TrialSettings.TrialId"/> identifies it.</param>
    /// <returns>The whole nested configuration for the trial.</returns>
    Parameter Propose(TrialSettings settings);

    /// <summary>Tells the tuner how a trial went. A failed result (<see cref="TrialResult.IsFailed"/>) is never
    /// read as a loss. A canceled one (<see cref="TrialResult.IsCanceled"/>: the run stopped it, whatever its
    /// configuration) only frees the trial's place: it is neither a loss nor a failure.</summary>
    /// <param name="result">The result, whose settings carry the proposed configuration.</param>
    /// <remarks>A result whose settings say <see cref="TrialSettings.IsWarmStart"/> (a negative trial id) is an earlier
    /// sweep's trial, mapped onto this search space and told before the first proposal: knowledge to learn from, perhaps
    /// measured on related data, but not one of this sweep's trials, so it takes no place in the tuner's own sequence
    /// (the sequence a resumed sweep continues). It is completed or pruned, with a finite loss.</remarks>
    void Update(TrialResult result);

    /// <summary>Tells the tuner that a trial it did not propose is running: another worker's, or one left running by
    /// an earlier run of the sweep. Its result comes later through <see cref="Update"/>.</summary>
    /// <param name="settings">The running trial, with the configuration it runs.</param>
    /// <remarks>With many workers on one sweep this is how a tuner avoids proposing what another worker is already
    /// trying (for example with a constant-liar placeholder for the running point). The default ignores it.</remarks>
    void ReportPending(TrialSettings settings)
    {
        // Optional: a tuner that ignores running trials still works, it may only repeat a running point.
    }
}
