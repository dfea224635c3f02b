// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.MultiObjective;

/// <summary>
/// The objectives and constraints of a multi-objective experiment, and what follows from them for a set of trials:
/// each trial's point in objective space (every objective minimized), its feasibility, and the Pareto front.
/// </summary>
public sealed class ObjectiveSet
{
    /// <summary>Initializes the set.</summary>
    /// <param name="objectives">At least one objective, with distinct names.</param>
    /// <param name="constraints">Feasibility constraints; none when null.</param>
    public ObjectiveSet(IEnumerable<Objective> objectives, IEnumerable<Constraint>? constraints = null)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        Objectives = [.. objectives];
        Constraints = [.. constraints ?? []];
        if (Objectives.Count == 0)
        {
            throw new ArgumentException("A multi-objective experiment needs at least one objective, for example Objective.Maximize(\"MacroAccuracy\").", nameof(objectives));
        }

        if (Objectives.Any(o => o is null) || Constraints.Any(c => c is null))
        {
            throw new ArgumentNullException(nameof(objectives), "An objective or a constraint is null.");
        }

        if (Objectives.GroupBy(o => o.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The objective '{twice.Key}' is given twice: give each objective once.", nameof(objectives));
        }
    }

    /// <summary>Gets the objectives, in order.</summary>
    public IReadOnlyList<Objective> Objectives { get; }

    /// <summary>Gets the constraints.</summary>
    public IReadOnlyList<Constraint> Constraints { get; }

    /// <summary>The trial's point in objective space, every objective turned into a loss (minimized); NaN where a value is missing.</summary>
    /// <param name="result">The trial.</param>
    /// <returns>One loss per objective, in order.</returns>
    public double[] LossesOf(TrialResult result) => [.. Objectives.Select(o => o.LossOf(result))];

    /// <summary>Whether the trial keeps every constraint (a missing constrained value breaks it).</summary>
    /// <param name="result">The trial.</param>
    /// <returns>True when feasible.</returns>
    public bool IsFeasible(TrialResult result) => Constraints.All(c => c.ExcessOf(result) <= 0);

    /// <summary>The completed, feasible trials that no other such trial dominates, in the order given. Pruned, failed
    /// and canceled trials, and trials with a missing objective value, are never on the front.</summary>
    /// <param name="trials">The trials, for example an experiment's <c>Trials</c>.</param>
    /// <returns>The Pareto front.</returns>
    public IReadOnlyList<TrialResult> ParetoFront(IEnumerable<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var candidates = trials
            .Where(t => t.State == TrialState.Completed && !t.IsFailed && IsFeasible(t))
            .Select(t => (Trial: t, Point: LossesOf(t)))
            .Where(c => c.Point.All(double.IsFinite))
            .ToList();
        return [.. candidates.Where(c => !candidates.Any(o => Pareto.Dominates(o.Point, c.Point))).Select(c => c.Trial)];
    }

    /// <summary>The trial with every computed objective's and constraint's value added to its metrics, so that the store
    /// records every objective value and a resumed sweep reads them back without the functions.</summary>
    internal TrialResult WithComputedValues(TrialResult result)
    {
        var computed = Objectives.Where(o => o.IsComputed).Select(o => (o.Name, Value: (Func<TrialResult, double>)o.ValueOf))
            .Concat(Constraints.Where(c => c.IsComputed).Select(c => (c.Name, Value: (Func<TrialResult, double>)c.ValueOf)))
            .Where(c => !result.Metrics.ContainsKey(c.Name))
            .ToList();
        if (computed.Count == 0 || result.IsFailed || result.IsCanceled)
        {
            return result;
        }

        var metrics = new Dictionary<string, double>(result.Metrics, StringComparer.Ordinal);
        foreach (var (name, value) in computed)
        {
            metrics.TryAdd(name, value(result));
        }

        return result with { Metrics = metrics };
    }

    /// <summary>Reads what <see cref="ToString"/> writes, for example "maximize MacroAccuracy, minimize
    /// LatencyInMilliseconds subject to ParameterCount &lt;= 100000" (as a sweep's stored definition keeps it); objectives
    /// computed by functions come back as metrics of the same name, where the experiment recorded their values.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The objectives and constraints.</returns>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static ObjectiveSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(" subject to ", 2, StringSplitOptions.None);
        var objectives = parts[0].Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(o => o.Split(' ', 2) switch
        {
            ["maximize", var name] => Objective.Maximize(name),
            ["minimize", var name] => Objective.Minimize(name),
            _ => throw new FormatException($"The objective '{o}' is not of the form `maximize NAME` or `minimize NAME`."),
        });
        var constraints = parts.Length > 1 ? parts[1].Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(Constraint.Parse) : [];
        return new ObjectiveSet(objectives.ToList(), constraints.ToList());
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", Objectives) + (Constraints.Count == 0 ? "" : " subject to " + string.Join(", ", Constraints));
}
