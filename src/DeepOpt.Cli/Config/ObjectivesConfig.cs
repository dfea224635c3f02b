// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.Pruners;

namespace DeepOpt.Cli.Config;

/// <summary>
/// The `objectives:` and `constraints:` of a sweep's config: a list of `maximize: NAME` or `minimize: NAME`, and a list
/// of `NAME &lt;= LIMIT` or `NAME &gt;= LIMIT`, the names being the task's metrics or DeepOpt's measures
/// (ParameterCount, ModelSizeInBytes, LatencyInMilliseconds, TrainingTimeInSeconds).
/// </summary>
internal static class ObjectivesConfig
{
    /// <summary>The objectives and constraints, or null when the config has no `objectives:`.</summary>
    public static ObjectiveSet? Bind(ConfigNode? objectivesNode, ConfigNode? constraintsNode)
    {
        if (objectivesNode == null)
        {
            return constraintsNode == null ? null
                : throw constraintsNode.Error("constraints need `objectives:`: list them, for example `- maximize: MacroAccuracy` and `- minimize: LatencyInMilliseconds`.");
        }

        var objectives = new List<Objective>();
        foreach (var item in objectivesNode.Items())
        {
            item.RejectKeysOtherThan(["maximize", "minimize"]);
            var entries = item.Entries().ToList();
            if (entries.Count != 1)
            {
                throw item.Error("each objective is one of `maximize: NAME` or `minimize: NAME`.");
            }

            var (key, name) = entries[0];
            objectives.Add(new Objective(name.String(), key.Equals("maximize", StringComparison.OrdinalIgnoreCase) ? ObjectiveDirection.Maximize : ObjectiveDirection.Minimize));
        }

        var constraints = new List<Constraint>();
        foreach (var item in constraintsNode?.Items() ?? [])
        {
            try
            {
                constraints.Add(Constraint.Parse(item.String()));
            }
            catch (FormatException ex)
            {
                throw item.Error(ex.Message);
            }
        }

        try
        {
            return new ObjectiveSet(objectives, constraints);
        }
        catch (ArgumentException ex)
        {
            throw objectivesNode.Error(ex.Message);
        }
    }

    /// <summary>The pruner of a multi-objective sweep: `asha` is successive halving by non-dominated rank on the metric's
    /// learning curve (<see cref="ParetoPruner"/>), which must then be one of the objectives.</summary>
    public static IPruner? Pruner(ConfigNode? node, ObjectiveSet objectives, string metric)
    {
        switch (node?.String().ToLowerInvariant())
        {
            case null or "none":
                return null;
            case "asha" or "pareto":
                if (!objectives.Objectives.Any(o => o.Name == metric))
                {
                    throw node.Error($"pruning reads the learning curve of the metric {metric}, which is not one of the objectives: add `- maximize: {metric}` to `objectives:` or set `pruner: none`.");
                }

                return new ParetoPruner(objectives, metric);
            case var other:
                throw node.Error($"'{other}' is not a pruner of several objectives: use asha (successive halving by non-dominated rank) or none.");
        }
    }

    /// <summary>Writes the Pareto front: each trial with its objective values.</summary>
    public static void WriteFront(TextWriter output, ObjectiveSet objectives, IReadOnlyList<TrialResult> front)
    {
        output.WriteLine($"Pareto front ({front.Count} trials): {objectives}");
        foreach (var trial in front.OrderBy(t => objectives.LossesOf(t)[0]))
        {
            string values = string.Join(", ", objectives.Objectives.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {o.ValueOf(trial):G4}")));
            output.WriteLine($"  trial {trial.TrialSettings.TrialId}: {values}");
        }
    }
}
