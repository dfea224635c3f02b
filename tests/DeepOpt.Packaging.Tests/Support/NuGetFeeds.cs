// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DeepOpt.Packaging.Tests.Support;

/// <summary>Reads package sources and writes the nuget.config of the consumer project.</summary>
internal static partial class NuGetFeeds
{
    /// <summary>Reads the package sources a nuget.config adds, in order.</summary>
    /// <param name="path">The nuget.config.</param>
    /// <returns>Each source's key and value.</returns>
    public static IReadOnlyList<(string Key, string Value)> ReadSources(string path) =>
        XDocument.Load(path).Root?.Element("packageSources")?.Elements("add")
            .Select(e => ((string?)e.Attribute("key") ?? "", (string?)e.Attribute("value") ?? ""))
            .Where(s => s.Item1.Length > 0 && s.Item2.Length > 0)
            .ToList() ?? [];

    /// <summary>Finds the machine's global packages folder from <c>dotnet nuget locals</c>.</summary>
    /// <param name="output">The command's output.</param>
    /// <returns>The folder, or null when the output names none.</returns>
    public static string? ParseGlobalPackagesFolder(string output)
    {
        var match = GlobalPackagesLine().Match(output);
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    /// <summary>Writes a nuget.config whose DeepOpt packages can only come from <paramref name="localFeed"/> and whose
    /// other packages come from the normal feeds, falling back to packages already on the machine.</summary>
    /// <param name="path">Where to write it.</param>
    /// <param name="localFeed">The folder the DeepOpt packages were packed into.</param>
    /// <param name="feeds">The normal feeds.</param>
    /// <param name="fallbackFolder">A read-only folder of extracted packages to reuse, or null.</param>
    public static void WriteConsumerConfig(string path, string localFeed, IReadOnlyList<(string Key, string Value)> feeds, string? fallbackFolder)
    {
        var sources = new XElement("packageSources", new XElement("clear"), Add("deepopt-local", localFeed));
        var mapping = new XElement("packageSourceMapping",
            new XElement("packageSource", new XAttribute("key", "deepopt-local"), Pattern("DeepOpt.*")));
        foreach (var (key, value) in feeds)
        {
            sources.Add(Add(key, value));
            mapping.Add(new XElement("packageSource", new XAttribute("key", key), Pattern("*")));
        }

        var configuration = new XElement("configuration", sources, mapping);
        if (fallbackFolder != null)
        {
            configuration.Add(new XElement("fallbackPackageFolders", Add("machine", fallbackFolder)));
        }

        new XDocument(configuration).Save(path);
    }

    private static XElement Add(string key, string value) =>
        new("add", new XAttribute("key", key), new XAttribute("value", value));

    private static XElement Pattern(string pattern) => new("package", new XAttribute("pattern", pattern));

    [GeneratedRegex(@"global-packages:\s*(.+)")]
    private static partial Regex GlobalPackagesLine();
}
