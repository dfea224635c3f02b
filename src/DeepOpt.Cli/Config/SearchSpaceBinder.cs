// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Cli.Config;

/// <summary>
/// Changes a trainer's default search space from a `searchSpace:` mapping. Per option: a single value fixes it
/// (<c>Epochs: 10</c>), <c>{ min, max, log }</c> makes it a range of the option's kind, <c>{ choices: [...] }</c> a choice.
/// </summary>
internal static class SearchSpaceBinder
{
    public static SearchSpace<T> Bind<T>(ConfigNode? node, SearchSpace<T> space)
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
            space[name] = Option(value, space[name]);
        }

        return space;
    }

    private static OptionBase Option(ConfigNode value, OptionBase current)
    {
        if (!value.IsMapping && !value.IsSequence)
        {
            return new ChoiceOption(Scalar(value));
        }

        if (value.IsSequence)
        {
            return new ChoiceOption(value.Items().Select(Scalar).ToArray());
        }

        if (value.Child("choices") is { } choices)
        {
            value.RejectUnknownKeys(["choices"]);
            return new ChoiceOption(choices.Items().Select(Scalar).ToArray());
        }

        var min = value.Required("min");
        var max = value.Required("max");
        bool log = value.Child("log")?.Bool() ?? false;
        value.RejectUnknownKeys(["min", "max", "log", "choices"]);
        try
        {
            return current is UniformIntOption
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
