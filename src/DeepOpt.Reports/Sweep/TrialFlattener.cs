// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Reports.Sweep;

/// <summary>Flattens trials' nested parameters into dotted keys, for tables, plots and parameter importance.</summary>
public static class TrialFlattener
{
    /// <summary>Flattens each trial, in order of trial id.</summary>
    /// <param name="trials">The trials.</param>
    /// <returns>One flat trial per trial.</returns>
    public static IReadOnlyList<FlatTrial> Flatten(IEnumerable<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        return trials.OrderBy(t => t.TrialSettings.TrialId).Select(Flatten).ToList();
    }

    /// <summary>Flattens one trial.</summary>
    /// <param name="trial">The trial.</param>
    /// <returns>Its flat form.</returns>
    public static FlatTrial Flatten(TrialResult trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var text = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var numbers = new SortedDictionary<string, double>(StringComparer.Ordinal);
        Walk(trial.TrialSettings.Parameter, "", text, numbers);
        return new FlatTrial(trial, text, numbers);
    }

    /// <summary>The keys whose numeric value differs between trials: the ones a sweep actually varied.</summary>
    /// <param name="trials">Flat trials.</param>
    /// <returns>The varied numeric keys, in ordinal order.</returns>
    public static IReadOnlyList<string> VariedNumericKeys(IReadOnlyList<FlatTrial> trials) =>
        trials.SelectMany(t => t.Numbers.Keys).Distinct().Order(StringComparer.Ordinal)
            .Where(key => trials.Select(t => t.Numbers.GetValueOrDefault(key, double.NaN)).Distinct().Skip(1).Any())
            .ToList();

    private static void Walk(Parameter parameter, string key, IDictionary<string, string> text, IDictionary<string, double> numbers)
    {
        switch (parameter.ParameterType)
        {
            case ParameterType.Object:
                foreach (var (childKey, child) in parameter)
                {
                    Walk(child, key.Length == 0 ? childKey : $"{key}.{childKey}", text, numbers);
                }

                break;
            case ParameterType.Array:
                var items = (IReadOnlyList<Parameter>)parameter.Value!;
                for (int i = 0; i < items.Count; i++)
                {
                    Walk(items[i], $"{key}[{i}]", text, numbers);
                }

                numbers[$"{key}.Count"] = items.Count;
                text[$"{key}.Count"] = items.Count.ToString(CultureInfo.InvariantCulture);
                break;
            case ParameterType.Bool:
                numbers[key] = (bool)parameter.Value! ? 1 : 0;
                text[key] = (bool)parameter.Value! ? "true" : "false";
                break;
            case ParameterType.String:
                text[key] = (string)parameter.Value!;
                break;
            default:
                var value = Convert.ToDouble(parameter.Value, CultureInfo.InvariantCulture);
                numbers[key] = value;
                text[key] = value.ToString("G6", CultureInfo.InvariantCulture);
                break;
        }
    }
}
