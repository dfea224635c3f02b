// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Cli.Config;

/// <summary>A config that cannot be used, with the file, line, column and key where the problem is.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="file">The config file.</param>
    /// <param name="line">The line, from 1.</param>
    /// <param name="column">The column, from 1.</param>
    /// <param name="key">The dotted key path, for example "trainer.options.Epochs".</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    public ConfigException(string file, int line, int column, string key, string problem)
        : base($"{file}:{line}:{column}: {(key.Length > 0 ? $"`{key}`: " : string.Empty)}{problem}")
    {
        File = file;
        Line = line;
        Column = column;
        Key = key;
    }

    /// <summary>Gets the config file.</summary>
    public string File { get; }

    /// <summary>Gets the line, from 1.</summary>
    public int Line { get; }

    /// <summary>Gets the column, from 1.</summary>
    public int Column { get; }

    /// <summary>Gets the dotted key path.</summary>
    public string Key { get; }
}
