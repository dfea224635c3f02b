// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// One trial to run: its id and the configuration a tuner proposed for it.
/// </summary>
public sealed class TrialSettings
{
    /// <summary>Gets or sets the trial's id, unique within an experiment, counting from 0.</summary>
    public int TrialId { get; set; }

    /// <summary>Gets or sets the whole nested configuration of the trial, as proposed by the tuner.</summary>
    public Parameter Parameter { get; set; } = Parameter.CreateNestedParameter();

    /// <summary>Gets or sets when the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; set; }

    /// <summary>Gets or sets when the trial ended (UTC), or null while it runs.</summary>
    public DateTime? EndedAtUtc { get; set; }
}
