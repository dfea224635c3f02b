// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DeepOpt.Cli.Config;

/// <summary>
/// A node of a YAML or JSON config (JSON is read as YAML) that knows its file, position and key path, so every error
/// points at the line and the key.
/// </summary>
internal sealed class ConfigNode
{
    private readonly YamlNode _node;
    private readonly HashSet<string> _read = [];

    private ConfigNode(string file, YamlNode node, string path)
    {
        File = file;
        _node = node;
        Path = path;
    }

    public string File { get; }

    public string Path { get; }

    public bool IsMapping => _node is YamlMappingNode;

    public bool IsSequence => _node is YamlSequenceNode;

    public static ConfigNode Load(string file)
    {
        if (!System.IO.File.Exists(file))
        {
            throw new FileNotFoundException($"The config file '{file}' does not exist.", file);
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ConfigException(file, (int)ex.Start.Line, (int)ex.Start.Column, string.Empty,
                $"not valid YAML or JSON: {ex.InnerException?.Message ?? ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode)
        {
            throw new ConfigException(file, 1, 1, string.Empty, "the config must be a mapping of keys (for example `data:`, `trainer:`).");
        }

        return new ConfigNode(file, stream.Documents[0].RootNode, string.Empty);
    }

    public ConfigException Error(string problem) =>
        new(File, (int)_node.Start.Line, (int)_node.Start.Column, Path, problem);

    /// <summary>The child under a key, or null when the key is absent.</summary>
    public ConfigNode? Child(string key)
    {
        var mapping = Mapping();
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode scalar && string.Equals(scalar.Value, key, StringComparison.OrdinalIgnoreCase))
            {
                _read.Add(scalar.Value!);
                return new ConfigNode(File, v, Join(key));
            }
        }

        return null;
    }

    public ConfigNode Required(string key) => Child(key) ?? throw Error($"the key `{key}` is missing.");

    /// <summary>The keys and children of a mapping, in file order; each key counts as read.</summary>
    public IEnumerable<(string Key, ConfigNode Node)> Entries()
    {
        foreach (var (k, v) in Mapping().Children)
        {
            string key = ((YamlScalarNode)k).Value ?? string.Empty;
            _read.Add(key);
            yield return (key, new ConfigNode(File, v, Join(key)));
        }
    }

    /// <summary>An error about a key of this mapping, at the key's own position, suggesting the closest known key.</summary>
    public ConfigException UnknownKey(string key, IEnumerable<string> known)
    {
        var names = known.ToList();
        var at = Mapping().Children.Keys.First(k => ((YamlScalarNode)k).Value == key);
        string? close = names.MinBy(n => Distance(n.ToLowerInvariant(), key.ToLowerInvariant()));
        string hint = close != null && Distance(close.ToLowerInvariant(), key.ToLowerInvariant()) <= 3 ? $" Did you mean `{close}`?" : string.Empty;
        return new ConfigException(File, (int)at.Start.Line, (int)at.Start.Column, Join(key),
            $"unknown key.{hint} Known keys here: {string.Join(", ", names)}.");
    }

    /// <summary>Fails on the first key of this mapping that is not one of <paramref name="known"/> (any case), at the
    /// key's own position, suggesting the closest known key. Call it before <see cref="Required"/>, so a misspelt
    /// required key is reported as what it is rather than as a missing key.</summary>
    public void RejectKeysOtherThan(IEnumerable<string> known)
    {
        var names = known.ToList();
        var unknown = Mapping().Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? string.Empty)
            .FirstOrDefault(k => !names.Contains(k, StringComparer.OrdinalIgnoreCase));
        if (unknown != null)
        {
            throw UnknownKey(unknown, names);
        }
    }

    public IEnumerable<ConfigNode> Items()
    {
        if (_node is not YamlSequenceNode sequence)
        {
            throw Error("expected a list (`- item` lines or `[a, b]`).");
        }

        return sequence.Children.Select((n, i) => new ConfigNode(File, n, $"{Path}[{i}]"));
    }

    /// <summary>Fails on the first key of this mapping that nothing read, suggesting the closest known key.</summary>
    public void RejectUnknownKeys(IEnumerable<string> known)
    {
        var unread = Mapping().Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? string.Empty).FirstOrDefault(k => !_read.Contains(k));
        if (unread != null)
        {
            throw UnknownKey(unread, known);
        }
    }

    public string String() => _node is YamlScalarNode { Value: { } value } ? value : throw Error("expected a single value.");

    public int Int() => int.TryParse(String(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Error($"expected a whole number, got '{String()}'.");

    public double Double() => double.TryParse(String(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Error($"expected a number, got '{String()}'.");

    public bool Bool() => bool.TryParse(String(), out bool v) ? v : throw Error($"expected true or false, got '{String()}'.");

    public T Enum<T>()
        where T : struct, Enum
        => System.Enum.TryParse<T>(String(), ignoreCase: true, out var v) && System.Enum.IsDefined(v)
            ? v
            : throw Error($"'{String()}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}.");

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int diagonal = previous;
                previous = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return row[b.Length];
    }

    private YamlMappingNode Mapping() => _node as YamlMappingNode ?? throw Error("expected a mapping of keys.");

    private string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";
}
