// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// A trial as a store keeps it: the result so far, who runs it and when it last showed signs of life.
/// </summary>
/// <param name="Result">The trial; a running trial has <see cref="TrialState.Running"/> and NaN loss and metric.</param>
/// <param name="WorkerId">The worker that runs or ran it.</param>
/// <param name="HeartbeatUtc">Its last heartbeat, by the store's clock.</param>
public sealed record StoredTrial(TrialResult Result, string WorkerId, DateTime HeartbeatUtc)
{
    /// <summary>Gets the trial's id.</summary>
    public int TrialId => Result.TrialSettings.TrialId;

    /// <summary>Gets the trial's state.</summary>
    public TrialState State => Result.State;

    /// <summary>Gets a value indicating whether the trial ended (completed, pruned or failed).</summary>
    public bool IsFinished => State is TrialState.Completed or TrialState.Pruned or TrialState.Failed or TrialState.Canceled;
}
