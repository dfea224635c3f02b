// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Thrown by a trial runner to stop a trial that a pruner judged hopeless (after
/// <see cref="TrialSettings.ReportIntermediate"/> returned true). The experiment records the trial as
/// <see cref="TrialState.Pruned"/> with its last reported value; it is not a failure.
/// </summary>
public sealed class TrialPrunedException : OperationCanceledException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public TrialPrunedException()
        : base("The trial was pruned.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">Why the trial was pruned.</param>
    public TrialPrunedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that stopped the trial.</summary>
    /// <param name="message">Why the trial was pruned.</param>
    /// <param name="innerException">The exception that stopped the trial's work.</param>
    public TrialPrunedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
