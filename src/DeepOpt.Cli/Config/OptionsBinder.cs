// Licensed under the MIT license. See LICENSE in the repository root.

using System.Reflection;
using DeepOpt.Trainers;

namespace DeepOpt.Cli.Config;

/// <summary>Sets trainer options from a config mapping: keys are the options' property names (any case).</summary>
internal static class OptionsBinder
{
    /// <summary>The keys a config may set on options of this type.</summary>
    public static IReadOnlyList<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    public static void Bind(ConfigNode node, DeepTrainerOptions options)
    {
        var properties = Settable(options.GetType());
        var nodes = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
                ?? throw node.UnknownKey(key, properties.Select(p => p.Name));
            property.SetValue(options, Convert(value, property.PropertyType));
            nodes[property.Name] = value;
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex) when (ex.ParamName != null && nodes.TryGetValue(ex.ParamName, out var at))
        {
            throw at.Error(FirstSentences(ex.Message));
        }
    }

    public static object? Convert(ConfigNode value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsArray)
        {
            var items = value.Items().Select(i => Convert(i, target.GetElementType()!)).ToArray();
            var array = Array.CreateInstance(target.GetElementType()!, items.Length);
            Array.Copy(items, array, items.Length);
            return array;
        }

        if (target.IsEnum)
        {
            string text = value.String();
            return Enum.TryParse(target, text, ignoreCase: true, out var parsed) && Enum.IsDefined(target, parsed!)
                ? parsed
                : throw value.Error($"'{text}' is not one of {string.Join(", ", Enum.GetNames(target))}.");
        }

        return target switch
        {
            _ when target == typeof(int) => value.Int(),
            _ when target == typeof(double) => value.Double(),
            _ when target == typeof(float) => (float)value.Double(),
            _ when target == typeof(bool) => value.Bool(),
            _ when target == typeof(string) => value.String(),
            _ => throw value.Error($"options of type {target.Name} cannot be set from a config."),
        };
    }

    /// <summary>The option's own message without ArgumentException's "(Parameter ...)" tail.</summary>
    internal static string FirstSentences(string message)
    {
        int tail = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return tail > 0 ? message[..tail] : message;
    }
}
