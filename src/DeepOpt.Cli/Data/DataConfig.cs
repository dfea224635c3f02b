// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Cli.Config;

namespace DeepOpt.Cli.Data;

/// <summary>The `data:` section of a config: where the rows are and which columns mean what.</summary>
internal sealed class DataConfig
{
    public static readonly string[] Keys = ["format", "train", "validation", "test", "validationFraction", "label", "features", "text", "imageSize", "separator"];

    public required string Format { get; init; }

    public required string Train { get; init; }

    public string? Validation { get; init; }

    public string? Test { get; init; }

    public double ValidationFraction { get; init; } = 0.1;

    public string Label { get; init; } = "Label";

    public string[]? Features { get; init; }

    public string? Text { get; init; }

    public int[]? ImageSize { get; init; }

    public char? Separator { get; init; }

    /// <summary>The node, for errors found while loading the data.</summary>
    public required ConfigNode Node { get; init; }

    public static DataConfig Bind(ConfigNode node, string baseFolder)
    {
        string Resolve(string path) => Path.GetFullPath(path, baseFolder);
        node.RejectKeysOtherThan(Keys);
        var trainNode = node.Required("train");
        string train = Resolve(trainNode.String());
        string format = node.Child("format")?.String().ToLowerInvariant() ?? Guess(train);
        if (format is not ("csv" or "tsv" or "idx" or "images"))
        {
            throw node.Required("format").Error($"'{format}' is not a known format: use csv, tsv, idx or images.");
        }

        if (!File.Exists(train) && !Directory.Exists(train))
        {
            throw trainNode.Error($"'{train}' does not exist.");
        }

        var config = new DataConfig
        {
            Node = node,
            Format = format,
            Train = train,
            Validation = node.Child("validation") is { } v ? Existing(v, Resolve(v.String()), "validation") : null,
            Test = node.Child("test") is { } t ? Existing(t, Resolve(t.String()), "test") : null,
            ValidationFraction = node.Child("validationFraction")?.Double() ?? 0.1,
            Label = node.Child("label")?.String() ?? "Label",
            Features = node.Child("features")?.Items().Select(i => i.String()).ToArray(),
            Text = node.Child("text")?.String(),
            ImageSize = node.Child("imageSize")?.Items().Select(i => i.Int()).ToArray(),
            Separator = node.Child("separator")?.String() is { } s ? (s == "\\t" ? '\t' : s[0]) : null,
        };
        if (config.ValidationFraction is <= 0 or >= 1)
        {
            throw node.Required("validationFraction").Error($"must be between 0 and 1 (exclusive), got {config.ValidationFraction}.");
        }

        if (config.ImageSize is { Length: not 2 })
        {
            throw node.Required("imageSize").Error("give [height, width].");
        }

        node.RejectUnknownKeys(Keys);
        return config;
    }

    /// <summary>The path of a validation or test split, which must exist before any training starts.</summary>
    private static string Existing(ConfigNode node, string path, string split)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }

        string without = split == "validation" ? "to hold out `validationFraction` of the training rows" : "to skip the test metrics";
        throw node.Error($"'{path}' does not exist. Fix the path (it is relative to the config's folder), or leave `{split}` out {without}.");
    }

    private static string Guess(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".tsv" or ".txt" => "tsv",
            _ when Directory.Exists(path) && Directory.EnumerateFiles(path, "*-idx3-ubyte*").Any() => "idx",
            _ => "images",
        };
}
