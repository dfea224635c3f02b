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
    /// read as a loss.</summary>
    /// <param name="result">The result, whose settings carry the proposed configuration.</param>
    void Update(TrialResult result);
}
