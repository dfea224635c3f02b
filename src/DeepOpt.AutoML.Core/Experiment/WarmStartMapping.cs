// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Maps an earlier sweep's trials onto a new sweep's search space, option by option, and keeps count of the ones left
/// out and why.
/// </summary>
/// <remarks>
/// <para>
/// Only finished trials with a finite loss are used: completed ones, and pruned ones as pruned (with their last
/// reported value). An option of the new space that a trial has keeps its value when the value lies inside the new
/// option's range or among its candidates, else the whole trial is left out; an option the trial lacks takes the new
/// option's init value (its default point); options only the trial has are ignored. A trial that shares no option with
/// the space is left out, and a source none of whose trials shares one is refused.
/// </para>
/// <para>
/// Trials of a sweep over several trainers (ECI's <c>{ "_pipeline_": name, name: { ... } }</c>) are mapped onto the
/// same trainer: in a sweep over several trainers, onto that trainer's space; in a sweep of one trainer, onto the
/// whole space when the names agree. A trial of another trainer is left out, and so is, in a sweep over several
/// trainers, a trial that names none.
/// </para>
/// </remarks>
internal sealed class WarmStartMapping
{
    private const string SameAsOwn = "already a trial of this sweep";
    private readonly string _source;
    private readonly List<TrialResult> _trials = [];
    private readonly Dictionary<string, int> _skipped = new(StringComparer.Ordinal);

    private WarmStartMapping(string source)
    {
        _source = source;
    }

    /// <summary>Maps <paramref name="source"/>'s trials onto <paramref name="space"/>.</summary>
    /// <param name="source">The earlier trials.</param>
    /// <param name="space">The new sweep's space.</param>
    /// <param name="trainers">The trainers the space holds (DeepOptExperiment's), or null when the sweep does not say.</param>
    /// <exception cref="InvalidOperationException">Trials were usable but none shares an option with the space.</exception>
    public static WarmStartMapping Map(WarmStartSource source, SearchSpace.SearchSpace space, IReadOnlyList<string>? trainers)
    {
        var mapping = new WarmStartMapping(source.Description);
        var theirs = new SortedSet<string>(StringComparer.Ordinal);
        int usable = 0, sharing = 0;
        foreach (var trial in source.Trials)
        {
            if (Finished(trial) is not { } result)
            {
                mapping.Skip(trial.State is TrialState.Completed or TrialState.Pruned ? "loss not finite" : trial.State.ToString().ToLowerInvariant());
                continue;
            }

            usable++;
            var parameter = result.TrialSettings.Parameter;
            theirs.UnionWith(Leaves(parameter, string.Empty));
            int shared = 0;
            var mapped = MapTrial(parameter, space, trainers, ref shared, out string? reason);
            sharing += shared > 0 ? 1 : 0;
            if (mapped == null || shared == 0)
            {
                mapping.Skip(reason ?? "shares no option with this sweep's space");
                continue;
            }

            mapping._trials.Add(result with
            {
                TrialSettings = new TrialSettings { Parameter = mapped, StartedAtUtc = result.TrialSettings.StartedAtUtc, EndedAtUtc = result.TrialSettings.EndedAtUtc },
                Model = null,
            });
        }

        if (usable > 0 && sharing == 0)
        {
            string skipped = string.Join(", ", mapping._skipped.Select(kv => $"{kv.Value} {kv.Key}"));
            throw new InvalidOperationException(
                $"The warm-start trials ({source.Description}) share no option with this sweep's search space: they have "
                + $"{Names(theirs)}; the space has {Names(space.Features.Select(f => f.Name).Distinct())} (left out: {skipped}). "
                + "Pass SetWarmStart a sweep over the same or an overlapping space, or remove the warm start.");
        }

        return mapping;
    }

    /// <summary>The summary of the warm start, with the trials to tell the tuner: the mapped ones, less those the
    /// sweep already holds (the same configuration with the same result: a resume replays them as its own), numbered
    /// -1, -2, ...</summary>
    public WarmStartSummary Summarize(IReadOnlyList<StoredTrial> sweepTrials)
    {
        var own = sweepTrials.Where(t => t.IsFinished).Select(t => t.Result).ToLookup(r => r.Loss);
        var used = new List<TrialResult>();
        var skipped = new Dictionary<string, int>(_skipped, StringComparer.Ordinal);
        foreach (var trial in _trials)
        {
            if (own[trial.Loss].Any(o => o.State == trial.State && o.TrialSettings.Parameter.Equals(trial.TrialSettings.Parameter)))
            {
                skipped[SameAsOwn] = skipped.GetValueOrDefault(SameAsOwn) + 1;
                continue;
            }

            var settings = trial.TrialSettings;
            used.Add(trial with
            {
                TrialSettings = new TrialSettings { TrialId = -(used.Count + 1), Parameter = settings.Parameter, StartedAtUtc = settings.StartedAtUtc, EndedAtUtc = settings.EndedAtUtc },
            });
        }

        return new WarmStartSummary(_source, used, skipped);
    }

    /// <summary>A trial finished with a finite loss (a pruned one with its last reported value), or null.</summary>
    private static TrialResult? Finished(TrialResult trial)
    {
        var result = trial.State == TrialState.Pruned && !double.IsFinite(trial.Loss) && trial.IntermediateValues.Count > 0
            ? trial.WithValues(trial.IntermediateValues)
            : trial;
        return result.State is TrialState.Completed or TrialState.Pruned && double.IsFinite(result.Loss) ? result : null;
    }

    private static Parameter? MapTrial(Parameter parameter, SearchSpace.SearchSpace space, IReadOnlyList<string>? trainers, ref int shared, out string? reason)
    {
        reason = null;
        if (parameter.ParameterType != ParameterType.Object)
        {
            reason = "not a keyed configuration";
            return null;
        }

        if (!parameter.TryGetValue(EciTuner.PipelineKey, out var pipeline) || pipeline.ParameterType != ParameterType.String)
        {
            if (trainers is { Count: > 1 })
            {
                reason = "names no trainer (a one-trainer sweep's trial)";
                return null;
            }

            return MapOptions(parameter, space, string.Empty, ref shared, out reason);
        }

        string name = (string)pipeline.Value!;
        if (parameter.TryGetValue(name, out var own))
        {
            if (trainers is [var only])
            {
                return only == name ? MapOptions(own, space, string.Empty, ref shared, out reason) : Other(name, out reason);
            }

            if (space.TryGetValue(name, out var option) && option is SearchSpace.SearchSpace trainerSpace
                && MapOptions(own, trainerSpace, $"{name}.", ref shared, out reason) is { } mapped)
            {
                return Parameter.CreateNestedParameter(
                    KeyValuePair.Create(EciTuner.PipelineKey, Parameter.FromString(name)), KeyValuePair.Create(name, mapped));
            }
        }

        return reason == null ? Other(name, out reason) : null;
    }

    private static Parameter? Other(string name, out string? reason)
    {
        reason = $"trainer '{name}' is not in this sweep";
        return null;
    }

    private static Parameter? MapOptions(Parameter values, SearchSpace.SearchSpace space, string prefix, ref int shared, out string? reason)
    {
        reason = null;
        if (values.ParameterType != ParameterType.Object)
        {
            reason = $"'{prefix.TrimEnd('.')}' is not a keyed configuration";
            return null;
        }

        var mapped = Parameter.CreateNestedParameter();
        foreach (var (key, option) in space)
        {
            string name = prefix + key;
            if (!values.TryGetValue(key, out var value))
            {
                mapped[key] = option.SampleFromFeatureSpace(option.Default);
            }
            else if (option is SearchSpace.SearchSpace nested)
            {
                var inner = MapOptions(value, nested, $"{name}.", ref shared, out reason);
                if (inner == null)
                {
                    return null;
                }

                mapped[key] = inner;
            }
            else
            {
                shared++;
                var inRange = MapValue(value, option);
                if (inRange == null)
                {
                    reason = OutOfRange(name, option);
                    return null;
                }

                mapped[key] = inRange;
            }
        }

        return mapped;
    }

    /// <summary>The value as a value of <paramref name="option"/>, or null when it is not one.</summary>
    private static Parameter? MapValue(Parameter value, OptionBase option)
    {
        double number = value.IsNumber ? Convert.ToDouble(value.Value, CultureInfo.InvariantCulture) : double.NaN;
        switch (option)
        {
            case UniformIntOption integer:
                double whole = Math.Round(number);
                return Math.Abs(number - whole) <= 1e-9 && whole >= integer.Min && whole <= integer.Max ? Parameter.FromInt((int)whole) : null;
            case UniformNumericOption range:
                // Bounds computed through exp and log elsewhere may be off in the last bits.
                double slack = 1e-9 * (range.Max - range.Min);
                if (!(number >= range.Min - slack && number <= range.Max + slack))
                {
                    return null;
                }

                number = Math.Clamp(number, range.Min, range.Max);
                return option is UniformSingleOption ? Parameter.FromFloat((float)number) : Parameter.FromDouble(number);
            case ChoiceOption choice:
                return choice.Choices.FirstOrDefault(c => c.Equals(value))
                    ?? choice.Choices.FirstOrDefault(c => c.ParameterType == ParameterType.String && value.ParameterType == ParameterType.String
                        && string.Equals((string)c.Value!, (string)value.Value!, StringComparison.OrdinalIgnoreCase));
            default:
                try
                {
                    var back = option.SampleFromFeatureSpace(option.MappingToFeatureSpace(value));
                    return back.Equals(value) ? back : null;
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidCastException or FormatException or InvalidOperationException or KeyNotFoundException)
                {
                    return null;
                }
        }
    }

    private static string OutOfRange(string name, OptionBase option) => option switch
    {
        UniformIntOption integer => string.Create(CultureInfo.InvariantCulture, $"'{name}' not an integer in [{integer.Min}, {integer.Max}]"),
        UniformNumericOption range => string.Create(CultureInfo.InvariantCulture, $"'{name}' outside [{range.Min}, {range.Max}]"),
        ChoiceOption choice => $"'{name}' not one of [{string.Join(", ", choice.Choices)}]",
        _ => $"'{name}' not a value of its option",
    };

    private static IEnumerable<string> Leaves(Parameter parameter, string prefix) => parameter.ParameterType == ParameterType.Object
        ? parameter.SelectMany(kv => Leaves(kv.Value, $"{prefix}{kv.Key}."))
        : [prefix.TrimEnd('.')];

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "no options" : string.Join(", ", list.Take(12)) + (list.Count > 12 ? $" and {list.Count - 12} more" : string.Empty);
    }

    private void Skip(string reason) => _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
}
