// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Receives the intermediate values of running trials and says whether a trial should stop; an experiment is one.
/// </summary>
public interface IIntermediateReporter
{
    /// <summary>Records an intermediate value of a running trial.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="value">The value.</param>
    /// <returns>True when the trial should be pruned: the runner should stop it and throw
    /// <see cref="TrialPrunedException"/>.</returns>
    bool Report(int trialId, IntermediateValue value);
}
