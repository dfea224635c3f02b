// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json.Serialization;
using Microsoft.ML;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// The outcome of one trial. Tuners minimise <see cref="Loss"/>.
/// </summary>
public sealed class TrialResult
{
    /// <summary>Gets or sets the settings the trial ran with.</summary>
    public TrialSettings TrialSettings { get; set; } = new();

    /// <summary>Gets or sets the metric as the user reads it (for example an accuracy, which is maximised).</summary>
    public double Metric { get; set; }

    /// <summary>Gets or sets the loss the tuners minimise (for a maximised metric, typically its negative).
    /// NaN or infinity marks a failed trial.</summary>
    public double Loss { get; set; }

    /// <summary>Gets or sets the trial's duration in milliseconds, its cost; 0 is a valid (very cheap) duration.</summary>
    public double DurationInMilliseconds { get; set; }

    /// <summary>Gets or sets the trial's state; <see cref="TrialState.Completed"/> unless said otherwise.</summary>
    public TrialState State { get; set; } = TrialState.Completed;

    /// <summary>Gets or sets the failure's message, for a failed trial.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Gets or sets the values the trial reported while it ran, in order of step.</summary>
    public IList<IntermediateValue> IntermediateValues { get; set; } = new List<IntermediateValue>();

    /// <summary>Gets or sets every metric the trial's evaluation produced, by name (for example "MacroAccuracy" and
    /// "LogLoss"); <see cref="Metric"/> is the one the experiment optimises.</summary>
    public IDictionary<string, double> Metrics { get; set; } = new Dictionary<string, double>();

    /// <summary>Gets or sets the model the trial fitted, when the runner keeps it (it is not stored with the trial).</summary>
    [JsonIgnore]
    public ITransformer? Model { get; set; }

    /// <summary>Gets or sets the largest working set of the process during the trial, in megabytes, or null when
    /// not measured.</summary>
    public double? PeakMemoryInMegaByte { get; set; }

    /// <summary>Gets a value indicating whether a pruner stopped the trial early; its loss is then its last reported
    /// value, not a final result.</summary>
    public bool IsPruned => State == TrialState.Pruned;

    /// <summary>Gets a value indicating whether the caller's cancellation or the time budget stopped the trial before
    /// it finished.</summary>
    public bool IsCanceled => State == TrialState.Canceled;

    /// <summary>Gets a value indicating whether the trial failed: its state says so or, unless it was canceled, its
    /// loss is not finite.</summary>
    public bool IsFailed => State == TrialState.Failed || (State != TrialState.Canceled && !double.IsFinite(Loss));
}
