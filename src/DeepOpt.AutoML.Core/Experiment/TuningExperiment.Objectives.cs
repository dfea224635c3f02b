// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.MultiObjective;

namespace DeepOpt.AutoML.Experiment;

/// <summary>Several objectives and constraints: the Pareto front of the feasible trials.</summary>
public sealed partial class TuningExperiment
{
    /// <summary>Gets the objectives and constraints set by <see cref="SetObjectives(ObjectiveSet)"/>, or null for a
    /// single-objective experiment.</summary>
    public ObjectiveSet? Objectives => _settings.Objectives;

    /// <summary>Gets the completed, feasible trials so far that no other such trial dominates.</summary>
    /// <exception cref="InvalidOperationException">No objectives were set.</exception>
    public IReadOnlyList<TrialResult> ParetoFront => (_settings.Objectives
        ?? throw new InvalidOperationException("The experiment has a single objective: call SetObjectives before asking for a Pareto front."))
        .ParetoFront(Trials);

    /// <summary>Makes the experiment multi-objective: every trial is judged on several objectives, under constraints.</summary>
    /// <param name="objectives">The objectives and constraints. Give the tuner the same set (for example a
    /// <see cref="Tuners.MultiObjectiveBayesianTuner"/>); a single-objective tuner still minimises the runner's loss.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>Each objective's value is read from the trial's metrics (a computed one is recorded there when the trial
    /// ends, so the store keeps every objective value). <see cref="RunAsync"/> still returns the trial with the lowest
    /// loss; <see cref="RunParetoAsync"/> returns the front.</remarks>
    public TuningExperiment SetObjectives(ObjectiveSet objectives)
    {
        _settings.SetObjectives(objectives);
        return this;
    }

    /// <summary>Makes the experiment multi-objective.</summary>
    /// <param name="objectives">At least one objective.</param>
    /// <param name="constraints">Feasibility constraints; none when null.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetObjectives(IEnumerable<Objective> objectives, IEnumerable<Constraint>? constraints = null)
        => SetObjectives(new ObjectiveSet(objectives, constraints));

    /// <summary>Runs trials until a budget is spent or <paramref name="cancellationToken"/> fires, as
    /// <see cref="RunAsync"/> does, and returns the Pareto front of the feasible trials.</summary>
    /// <param name="cancellationToken">Stops the loop within one trial.</param>
    /// <returns>The completed, feasible trials that no other dominates, in the order they finished; each holds its model
    /// when the runner keeps models.</returns>
    /// <exception cref="InvalidOperationException">No objectives were set, or as <see cref="RunAsync"/>.</exception>
    public async Task<IReadOnlyList<TrialResult>> RunParetoAsync(CancellationToken cancellationToken = default)
    {
        _ = Objectives ?? throw new InvalidOperationException("The experiment has a single objective: call SetObjectives before RunParetoAsync.");
        await RunAsync(cancellationToken).ConfigureAwait(false);
        return ParetoFront;
    }
}
