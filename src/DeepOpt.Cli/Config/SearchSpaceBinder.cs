// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using DeepOpt.AutoML;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Cli.Config;

/// <summary>
/// Changes a trainer's default search space from a `searchSpace:` mapping. Per option: a single value fixes it
/// (<c>Epochs: 10</c>), <c>{ min, max, log }</c> makes it a range of the option's kind, <c>{ choices: [...] }</c> a choice.
/// Every value the config gives (each candidate, each bound) is tried on the trainer's options at load time, so a typo
/// is an error at its own line instead of a failure in every trial that samples it.
/// </summary>
internal static class SearchSpaceBinder
{
    /// <summary>A value the config gave to an option of the space: a choice's candidate, a fixed value or a range's bound.</summary>
    /// <param name="Key">The option's key in the space.</param>
    /// <param name="Node">Where the value is written.</param>
    /// <param name="Value">The value.</param>
    public readonly record struct Candidate(string Key, ConfigNode Node, object Value);

    public static SearchSpace<T> Bind<T>(ConfigNode? node, SearchSpace<T> space, List<Candidate> candidates)
        where T : class, new()
    {
        if (node == null)
        {
            return space;
        }

        foreach (var (key, value) in node.Entries())
        {
            string name = space.Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                ?? throw node.UnknownKey(key, space.Keys);
            space[name] = Option(name, value, space[name], candidates);
        }

        return space;
    }

    /// <summary>Builds the options of a trial for each candidate in turn (every other option at its default) and
    /// validates them, so a candidate that no trial could use fails here, at its line, with the option's own message.</summary>
    /// <param name="trainer">The trainer whose space the candidates were bound into.</param>
    /// <param name="candidates">What <see cref="Bind"/> collected.</param>
    public static void Check(SweepableTrainer trainer, IEnumerable<Candidate> candidates)
    {
        var space = trainer.SearchSpace;
        foreach (var candidate in candidates)
        {
            var parameter = space.SampleFromFeatureSpace(space.Default);
            parameter[candidate.Key] = new ChoiceOption(candidate.Value).SampleFromFeatureSpace([0.5]);
            try
            {
                trainer.CreateOptions(parameter).Validate();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidCastException or FormatException or JsonException or OverflowException)
            {
                throw candidate.Node.Error($"{Describe(candidate.Value)} cannot be tried: {OptionsBinder.FirstSentences(ex.Message)}");
            }
        }
    }

    private static string Describe(object value) => value is string text ? $"'{text}'" : Convert.ToString(value, CultureInfo.InvariantCulture)!;

    private static OptionBase Option(string key, ConfigNode value, OptionBase current, List<Candidate> candidates)
    {
        ChoiceOption Choice(IEnumerable<ConfigNode> items)
        {
            var nodes = items.ToList();
            var values = nodes.Select(Scalar).ToArray();
            for (int i = 1; i < values.Length; i++)
            {
                // Names are read without case ("adamw" is AdamW), so two spellings would be one candidate counted twice.
                int same = Array.FindIndex(values, 0, i, v => v is string a && values[i] is string b && string.Equals(a, b, StringComparison.OrdinalIgnoreCase));
                if (same >= 0)
                {
                    throw nodes[i].Error($"'{values[i]}' repeats the candidate '{values[same]}' (names are read without case). Remove one of them.");
                }
            }

            candidates.AddRange(nodes.Select((n, i) => new Candidate(key, n, values[i])));
            try
            {
                return new ChoiceOption(values);
            }
            catch (ArgumentException ex)
            {
                throw value.Error(OptionsBinder.FirstSentences(ex.Message));
            }
        }

        if (!value.IsMapping && !value.IsSequence)
        {
            return Choice([value]);
        }

        if (value.IsSequence)
        {
            return Choice(value.Items());
        }

        if (value.Child("choices") is { } choices)
        {
            value.RejectUnknownKeys(["choices"]);
            return Choice(choices.Items());
        }

        var min = value.Required("min");
        var max = value.Required("max");
        bool log = value.Child("log")?.Bool() ?? false;
        value.RejectUnknownKeys(["min", "max", "log", "choices"]);
        bool integer = current is UniformIntOption;
        candidates.Add(new Candidate(key, min, integer ? min.Int() : min.Double()));
        candidates.Add(new Candidate(key, max, integer ? max.Int() : max.Double()));
        try
        {
            return integer
                ? new UniformIntOption(min.Int(), max.Int(), log)
                : new UniformDoubleOption(min.Double(), max.Double(), log);
        }
        catch (ArgumentException ex)
        {
            throw value.Error(ex.Message);
        }
    }

    /// <summary>A whole number, a number, a Boolean or else the text, in that order.</summary>
    private static object Scalar(ConfigNode node)
    {
        string text = node.String();
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i))
        {
            return i;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return d;
        }

        return bool.TryParse(text, out bool b) ? b : text;
    }
}
