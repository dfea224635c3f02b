// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.Pruners;

/// <summary>
/// Decides, from the values a running trial has reported so far and the other trials' values, whether to stop it.
/// Pruners are separate from tuners and from storage, so any of them combines with any other.
/// </summary>
public interface IPruner
{
    /// <summary>Decides whether to stop a running trial after its latest report.</summary>
    /// <param name="trial">The running trial; its <see cref="TrialResult.IntermediateValues"/> end with the latest report.</param>
    /// <param name="others">Every other trial of the sweep: completed, pruned, failed and still running, each with the
    /// values it reported.</param>
    /// <returns>True to prune the trial.</returns>
    bool ShouldPrune(TrialResult trial, IReadOnlyList<TrialResult> others);
}
