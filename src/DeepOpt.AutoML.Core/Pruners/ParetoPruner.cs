// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;

namespace DeepOpt.AutoML.Pruners;

/// <summary>
/// Pruning for a multi-objective experiment: successive halving by non-dominated rank among the trials that can still
/// be feasible, never pruning a trial that no such trial dominates.
/// </summary>
/// <remarks>
/// <para>
/// One objective is the learning curve: the trials report it as their intermediate loss (for example the validation
/// accuracy after each epoch, as a loss). The other objectives, and the constraints, are values that training does not
/// change (a parameter count, a measured latency, a model size): the trials report them with their intermediate values
/// (<see cref="IntermediateValue.Measures"/>), as DeepOpt's trial runner does.
/// </para>
/// <list type="bullet">
/// <item><description>A trial whose reported values already break a constraint is pruned at once: training cannot make
/// it feasible, so it can never be on the front.</description></item>
/// <item><description>At each rung (steps <c>minResource · η^k</c>, as in <see cref="SuccessiveHalvingPruner"/>), a
/// trial's point is its value there with its other objectives. It is ranked by non-dominated sorting among every trial
/// that reached the rung and is not known to be infeasible. It goes on when no such trial dominates it (rank 0), or
/// when it is among the best <c>max(1, n / η)</c> of the n by rank.</description></item>
/// <item><description>A trial that has not reported every other objective is never pruned by rank, and a trial without
/// them never dominates another.</description></item>
/// </list>
/// <para>
/// So a trial is only pruned when another feasible trial was better at the same step in the learning curve and no worse
/// in every other objective. When learning curves do not cross, such a trial ends dominated too, so pruning never
/// removes a trial of the final Pareto front of the same run without pruning (the test of issue 21). Optuna's
/// pruners refuse multi-objective studies (optuna/optuna #3450).
/// </para>
/// </remarks>
public sealed class ParetoPruner : IPruner
{
    private readonly ObjectiveSet _objectives;
    private readonly Objective[] _others;
    private readonly SuccessiveHalvingPruner _rungs;

    /// <summary>Initializes the pruner.</summary>
    /// <param name="objectives">The experiment's objectives and constraints.</param>
    /// <param name="learningCurve">The name of the objective the trials report as their intermediate loss.</param>
    /// <param name="minResource">The step of the first rung; at least 1.</param>
    /// <param name="reductionFactor">η: at each rung, at most one in η trials goes on unless it is non-dominated; at least 2.</param>
    public ParetoPruner(ObjectiveSet objectives, string learningCurve, int minResource = 1, int reductionFactor = 3)
    {
        _objectives = objectives ?? throw new ArgumentNullException(nameof(objectives));
        if (!objectives.Objectives.Any(o => o.Name == learningCurve))
        {
            throw new ArgumentException($"`{nameof(learningCurve)}` is '{learningCurve}', which is not one of the objectives "
                + $"({string.Join(", ", objectives.Objectives.Select(o => o.Name))}): name the objective the trials report as their intermediate loss.", nameof(learningCurve));
        }

        LearningCurve = learningCurve;
        _others = [.. objectives.Objectives.Where(o => o.Name != learningCurve)];
        _rungs = new SuccessiveHalvingPruner(minResource, reductionFactor);
    }

    /// <summary>Gets the name of the objective the trials report as their intermediate loss.</summary>
    public string LearningCurve { get; }

    /// <inheritdoc/>
    public bool ShouldPrune(TrialResult trial, IReadOnlyList<TrialResult> others)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(others);
        var values = trial.IntermediateValues;
        if (values.Count == 0)
        {
            return false;
        }

        if (double.IsNaN(values[^1].Loss) || KnownInfeasible(trial))
        {
            return true;
        }

        var own = Others(trial);
        if (own == null)
        {
            return false;
        }

        foreach (int rung in _rungs.RungsReached(values))
        {
            var points = new List<IReadOnlyList<double>>();
            points.Add([values[^1].Loss, .. own]);
            foreach (var other in others.Where(o => !KnownInfeasible(o)))
            {
                double value = other.IntermediateValues.FirstOrDefault(v => v.Step >= rung)?.Loss ?? double.NaN;
                if (double.IsFinite(value) && Others(other) is { } rest)
                {
                    points.Add([value, .. rest]);
                }
            }

            var ranks = Pareto.Ranks(points);
            int kept = Math.Max(1, points.Count / _rungs.ReductionFactor);
            if (ranks[0] > 0 && ranks.Count(r => r < ranks[0]) >= kept)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The trial's values that training does not change: its latest report's measures, else its metrics.</summary>
    private static double ValueOf(TrialResult trial, string name)
    {
        var measures = trial.IntermediateValues.LastOrDefault(v => v.Measures != null)?.Measures;
        return measures != null && measures.TryGetValue(name, out double measured) ? measured
            : trial.Metrics.TryGetValue(name, out double recorded) ? recorded : double.NaN;
    }

    /// <summary>The other objectives as losses, or null when one is not known yet.</summary>
    private double[]? Others(TrialResult trial)
    {
        var losses = _others.Select(o => o.Direction == ObjectiveDirection.Minimize ? ValueOf(trial, o.Name) : -ValueOf(trial, o.Name)).ToArray();
        return losses.All(double.IsFinite) ? losses : null;
    }

    /// <summary>Whether a constraint's known value already breaks it.</summary>
    private bool KnownInfeasible(TrialResult trial) => _objectives.Constraints.Any(c =>
        ValueOf(trial, c.Name) is var value && !double.IsNaN(value) && (c.IsUpperBound ? value > c.Limit : value < c.Limit));
}
