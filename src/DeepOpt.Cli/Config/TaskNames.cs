// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace DeepOpt.Cli.Config;

/// <summary>The config's <c>task:</c> key: multiclass (the default), binary or regression, or a full task name.</summary>
internal static class TaskNames
{
    private static readonly Dictionary<string, PredictionKind> s_short = new(StringComparer.OrdinalIgnoreCase)
    {
        ["multiclass"] = PredictionKind.MulticlassClassification,
        ["binary"] = PredictionKind.BinaryClassification,
        ["regression"] = PredictionKind.Regression,
    };

    /// <summary>The task the node names, or multiclass when the key is absent.</summary>
    /// <exception cref="ConfigException">The value names no task.</exception>
    public static PredictionKind Of(ConfigNode? node)
    {
        if (node == null)
        {
            return PredictionKind.MulticlassClassification;
        }

        string name = node.String();
        return s_short.TryGetValue(name, out var task) || (Enum.TryParse(name, ignoreCase: true, out task) && Enum.IsDefined(task))
            ? task
            : throw node.Error($"'{name}' is not a task: use multiclass, binary or regression.");
    }
}
