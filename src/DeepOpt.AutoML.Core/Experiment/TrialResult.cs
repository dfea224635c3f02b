// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json.Serialization;
using Microsoft.ML;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// The outcome of one trial. Tuners minimise <see cref="Loss"/>. It is immutable: a changed result is a copy made with
/// <c>with</c>, so a tuner, a monitor or a store can keep the one it was given.
/// </summary>
public sealed record TrialResult
{
    /// <summary>Gets the settings the trial ran with.</summary>
    public TrialSettings TrialSettings { get; init; } = new();

    /// <summary>Gets the metric as the user reads it (for example an accuracy, which is maximised).</summary>
    public double Metric { get; init; }

    /// <summary>Gets the loss the tuners minimise (for a maximised metric, typically its negative).
    /// NaN or infinity marks a failed trial.</summary>
    public double Loss { get; init; }

    /// <summary>Gets the trial's duration in milliseconds, its cost; 0 is a valid (very cheap) duration.</summary>
    public double DurationInMilliseconds { get; init; }

    /// <summary>Gets the trial's state; <see cref="TrialState.Completed"/> unless said otherwise.</summary>
    public TrialState State { get; init; } = TrialState.Completed;

    /// <summary>Gets the failure's message, for a failed trial.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the values the trial reported while it ran, in order of step.</summary>
    public IReadOnlyList<IntermediateValue> IntermediateValues { get; init; } = [];

    /// <summary>Gets every metric the trial's evaluation produced, by name (for example "MacroAccuracy" and
    /// "LogLoss"); <see cref="Metric"/> is the one the experiment optimises.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the model the trial fitted, when the runner keeps it (it is not stored with the trial).</summary>
    [JsonIgnore]
    public ITransformer? Model { get; init; }

    /// <summary>Gets the largest working set of the process during the trial, in megabytes, or null when
    /// not measured.</summary>
    public double? PeakMemoryInMegaByte { get; init; }

    /// <summary>Gets a value indicating whether a pruner stopped the trial early; its loss is then its last reported
    /// value, not a final result.</summary>
    public bool IsPruned => State == TrialState.Pruned;

    /// <summary>Gets a value indicating whether the caller's cancellation or the time budget stopped the trial before
    /// it finished.</summary>
    public bool IsCanceled => State == TrialState.Canceled;

    /// <summary>Gets a value indicating whether the trial failed: its state says so or, unless it was canceled, its
    /// loss is not finite.</summary>
    public bool IsFailed => State == TrialState.Failed || (State != TrialState.Canceled && !double.IsFinite(Loss));

    /// <summary>This result as a store keeps it: without the model and the reporter, which live only in this process.</summary>
    internal TrialResult ForStore() => this with { Model = null, TrialSettings = TrialSettings.Copy() };

    /// <summary>This result ended by another worker, which found this trial's worker gone.</summary>
    internal TrialResult Reclaimed(string message, DateTime endedAtUtc) =>
        this with { State = TrialState.Failed, ErrorMessage = message, TrialSettings = TrialSettings.Copy(endedAtUtc) };

    /// <summary>This running result with the values reported so far; its loss and metric are the last value's.</summary>
    internal TrialResult WithValues(IReadOnlyList<IntermediateValue> values) => this with
    {
        IntermediateValues = values,
        Loss = values.Count > 0 ? values[^1].Loss : double.NaN,
        Metric = values.Count > 0 ? values[^1].Metric : double.NaN,
    };
}
