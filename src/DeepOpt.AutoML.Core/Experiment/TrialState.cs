// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Where a trial is in its lifecycle.
/// </summary>
public enum TrialState
{
    /// <summary>Proposed and not started.</summary>
    Waiting,

    /// <summary>Running now.</summary>
    Running,

    /// <summary>Finished with a finite loss.</summary>
    Completed,

    /// <summary>Stopped early by a pruner; keeps its last reported loss.</summary>
    Pruned,

    /// <summary>Threw, or returned a NaN or infinite loss.</summary>
    Failed,

    /// <summary>Stopped by the caller's cancellation or the time budget before it finished; keeps its intermediate
    /// values. Not a failure: tuners learn nothing from it, and it never becomes the best trial.</summary>
    Canceled,
}
