// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;

namespace DeepOpt.Examples;

/// <summary>
/// The <c>--name value</c> options and <c>--flag</c> switches of the examples and benchmarks. A program names what it
/// knows, with defaults; anything else prints the usage line.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values;
    private readonly HashSet<string> _flags;

    private CommandLine(Dictionary<string, string?> values, HashSet<string> flags)
    {
        _values = values;
        _flags = flags;
    }

    /// <summary>Reads <paramref name="args"/>; prints the usage and returns null on an unknown or incomplete option.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="usage">The usage line, for example <c>[--data DIR] [--epochs N]</c>.</param>
    /// <param name="defaults">Each known option (with its dashes) and its default; a null default means "not given".</param>
    /// <param name="flags">The known switches that take no value.</param>
    public static CommandLine? Parse(string[] args, string usage, IReadOnlyDictionary<string, string?> defaults, params string[] flags)
    {
        var values = new Dictionary<string, string?>(defaults);
        var given = new HashSet<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (flags.Contains(args[i]))
            {
                given.Add(args[i]);
            }
            else if (values.ContainsKey(args[i]) && i + 1 < args.Length)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"Unknown option {args[i]}. Usage: {usage}");
                return null;
            }
        }

        return new CommandLine(values, given);
    }

    /// <summary>The value of an option, or null when it has no default and was not given.</summary>
    public string? Text(string name) => _values[name];

    /// <summary>The value of an option as an integer.</summary>
    public int Int(string name) => int.Parse(Required(name), CultureInfo.InvariantCulture);

    /// <summary>The value of an option as an integer, or null when it has no default and was not given.</summary>
    public int? OptionalInt(string name) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The value of an option as a number.</summary>
    public double Double(string name) => double.Parse(Required(name), CultureInfo.InvariantCulture);

    /// <summary>Whether a switch was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    private string Required(string name) => Text(name) ?? throw new InvalidOperationException($"Option {name} has no value.");
}
