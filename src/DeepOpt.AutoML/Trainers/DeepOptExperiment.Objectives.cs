// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML;

public sealed partial class DeepOptExperiment
{
    /// <summary>Gets the objectives and constraints, or null for a single-objective sweep.</summary>
    public ObjectiveSet? Objectives => _settings.Objectives;

    /// <summary>Gets the completed, feasible trials so far that no other such trial dominates.</summary>
    /// <exception cref="InvalidOperationException">No objectives were set.</exception>
    public IReadOnlyList<TrialResult> ParetoFront => _experiment.ParetoFront;

    /// <summary>
    /// Makes the sweep multi-objective: each trial is judged on several objectives, for example the metric against the
    /// single-row latency, under constraints such as <c>ParameterCount &lt;= 100000</c>.
    /// </summary>
    /// <param name="objectives">
    /// At least one objective: a metric of the task's evaluator (as <see cref="SetMulticlassClassificationMetric"/> names
    /// them, for example "MacroAccuracy"), a measure of <see cref="TrialMeasures"/> (parameter count, model size,
    /// latency, training time), or a function of the trial.
    /// </param>
    /// <param name="constraints">Feasibility constraints on the same names; none when null.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>
    /// Unless a tuner is set, the sweep uses a <see cref="MultiObjectiveBayesianTuner"/> that starts at the space's
    /// default point. The metric set with <c>SetXxxMetric</c> is still the one each epoch reports (the learning curve a
    /// pruner reads; <see cref="Pruners.ParetoPruner"/> prunes with several objectives) and the one
    /// <see cref="RunAsync"/> returns the best trial by. <see cref="RunParetoAsync"/> returns the front.
    /// </remarks>
    public DeepOptExperiment SetObjectives(IEnumerable<Objective> objectives, IEnumerable<Constraint>? constraints = null)
    {
        _settings.SetObjectives(new ObjectiveSet(objectives, constraints));
        return this;
    }

    /// <summary>Runs the sweep as <see cref="RunAsync"/> does and returns the Pareto front of its feasible trials.</summary>
    /// <param name="withModels">Whether each front trial carries its fitted model: the best trial's is kept, the others
    /// are fitted again (same data, featurizer and seed, so the same weights on CPU).</param>
    /// <param name="cancellationToken">Stops the sweep, and the refits.</param>
    /// <returns>The front, in the order the trials finished.</returns>
    /// <exception cref="InvalidOperationException">No objectives were set, or as <see cref="RunAsync"/>.</exception>
    public async Task<IReadOnlyList<TrialResult>> RunParetoAsync(bool withModels = false, CancellationToken cancellationToken = default)
    {
        _ = Objectives ?? throw new InvalidOperationException("The sweep has a single objective: call SetObjectives before RunParetoAsync.");
        var best = await RunAsync(cancellationToken).ConfigureAwait(false);
        var front = ParetoFront;
        if (!withModels)
        {
            return front;
        }

        var runner = _lastRun!.Value.Runner;
        var withModel = new List<TrialResult>();
        foreach (var trial in front)
        {
            var model = trial.TrialSettings.TrialId == best.TrialSettings.TrialId ? best.Model
                : await Task.Run(() => runner.Refit(trial.TrialSettings.Parameter, cancellationToken), cancellationToken).ConfigureAwait(false);
            withModel.Add(trial with { Model = model });
        }

        return withModel;
    }

    /// <summary>Searches each trainer's space with <see cref="NsgaTuner"/>, an evolutionary tuner of several
    /// objectives: a baseline of the default <see cref="MultiObjectiveBayesianTuner"/>, and cheap for budgets of
    /// thousands of trials.</summary>
    /// <param name="populationSize">The population's size, at least 4.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="InvalidOperationException">The sweep runs without objectives (see <see cref="SetObjectives"/>).</exception>
    public DeepOptExperiment SetNsgaTuner(int populationSize = 20) => SetTunerFactory((space, seed) => new NsgaTuner(space,
        _settings.Objectives ?? throw new InvalidOperationException("The NSGA-II tuner needs several objectives: call SetObjectives."), seed, populationSize));

    private ITuner DefaultTuner(SearchSpace.SearchSpace space, int seed) => _settings.Objectives is { } objectives
        ? new MultiObjectiveBayesianTuner(space, objectives, seed, startAtDefault: true)
        : Bayesian(space, seed);

    /// <summary>Refuses, before any training, an objective or constraint that names neither a metric of the task nor a
    /// measure and computes nothing: it would be missing from every trial.</summary>
    private void CheckObjectives(TaskEvaluator evaluator)
    {
        if (_settings.Objectives is not { } objectives)
        {
            return;
        }

        string[] measures = [TrialMeasures.ParameterCount, TrialMeasures.ModelSizeInBytes, TrialMeasures.LatencyInMilliseconds, TrialMeasures.TrainingTimeInSeconds];
        var known = evaluator.MetricNames.Concat(measures).ToHashSet(StringComparer.Ordinal);
        var unknown = objectives.Objectives.Where(o => !o.IsComputed).Select(o => o.Name)
            .Concat(objectives.Constraints.Where(c => !c.IsComputed).Select(c => c.Name))
            .FirstOrDefault(name => !known.Contains(name));
        if (unknown != null)
        {
            throw new ArgumentException($"The objective or constraint '{unknown}' is neither a metric of this task ({string.Join(", ", evaluator.MetricNames)}) "
                + $"nor a measure ({string.Join(", ", measures)}): fix its name, or give it a function of the trial.", "objectives");
        }
    }
}
