// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json.Serialization;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// One trial to run: its id and the configuration a tuner proposed for it.
/// </summary>
public sealed class TrialSettings
{
    /// <summary>Gets or sets the trial's id, unique within an experiment, counting from 0; a warm-start trial (an earlier
    /// sweep's, told to the tuner before the first proposal) has a negative id: -1, -2, and so on.</summary>
    public int TrialId { get; set; }

    /// <summary>Gets a value indicating whether this is a warm-start trial: one of an earlier sweep, mapped onto this
    /// sweep's search space and told to the tuner before its first proposal (a negative <see cref="TrialId"/>). It is
    /// not one of this sweep's trials: it is not stored, counted against the budget or ever the best.</summary>
    [JsonIgnore]
    public bool IsWarmStart => TrialId < 0;

    /// <summary>Gets or sets the whole nested configuration of the trial, as proposed by the tuner.</summary>
    public Parameter Parameter { get; set; } = Parameter.CreateNestedParameter();

    /// <summary>Gets or sets when the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; set; }

    /// <summary>Gets or sets when the trial ended (UTC), or null while it runs.</summary>
    public DateTime? EndedAtUtc { get; set; }

    /// <summary>Gets or sets who hears the trial's intermediate values; the experiment sets itself here when it
    /// starts the trial. Null (the default) means nobody listens and nothing is pruned.</summary>
    [JsonIgnore]
    public IIntermediateReporter? Reporter { get; set; }

    /// <summary>Reports a value the trial reached at a step (for example the validation loss after an epoch).</summary>
    /// <param name="step">The step, growing from one report to the next.</param>
    /// <param name="loss">The loss at that step, minimised.</param>
    /// <param name="metric">The metric at that step, as the user reads it.</param>
    /// <param name="measures">Values of the trial that training does not change, for example its parameter count and
    /// latency, by the names its objectives and constraints use (see <see cref="IntermediateValue.Measures"/>); optional.</param>
    /// <returns>True when a pruner judged the trial hopeless: stop its work and throw <see cref="TrialPrunedException"/>.</returns>
    public bool ReportIntermediate(int step, double loss, double metric, IReadOnlyDictionary<string, double>? measures = null)
        => Reporter?.Report(TrialId, new IntermediateValue(step, loss, metric) { Measures = measures }) ?? false;

    /// <summary>A deep copy of these settings without the reporter, ended at <paramref name="endedAtUtc"/> unless they
    /// ended already, so that what a store or a finished trial keeps shares nothing with the running trial.</summary>
    internal TrialSettings Copy(DateTime? endedAtUtc = null) => new()
    {
        TrialId = TrialId, Parameter = Parameter.FromJson(Parameter.ToJson()), StartedAtUtc = StartedAtUtc, EndedAtUtc = EndedAtUtc ?? endedAtUtc,
    };
}
