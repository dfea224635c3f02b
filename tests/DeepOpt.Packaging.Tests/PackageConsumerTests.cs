// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using DeepOpt.Packaging.Tests.Support;

namespace DeepOpt.Packaging.Tests;

/// <summary>
/// Packs DeepOpt.Trainers, DeepOpt.AutoML.Core and DeepOpt.AutoML, then builds and runs a console project outside the
/// repository that references DeepOpt.AutoML from the packed folder only. Training there proves the packages are
/// complete: the transitive DeepOpt.AutoML.Core and DeepOpt.Trainers, TorchSharp's native libraries and the libstdc++
/// fix shipped as buildTransitive. DeepOpt.AutoML.Core depends on neither TorchSharp nor the trainers.
/// </summary>
[TestClass]
public class PackageConsumerTests
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(5);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void PackedLibraries_InAFreshConsoleProject_RestoreBuildAndTrain()
    {
        // A version no cache can hold, so every DeepOpt package the consumer restores is the one packed here.
        var version = $"0.0.0-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var root = Directory.CreateTempSubdirectory("deepopt-packaging-");
        var feed = Directory.CreateDirectory(Path.Combine(root.FullName, "feed")).FullName;
        var app = Directory.CreateDirectory(Path.Combine(root.FullName, "app")).FullName;
        var none = new Dictionary<string, string>();
        var succeeded = false;
        try
        {
            var pack = new[] { "-c", "Release", "-o", feed, $"-p:PackageVersion={version}", "-nodeReuse:false" };
            DotNet.Run(root.FullName, none, s_step, ["pack", Metadata("AutoMLProject"), .. pack]);
            DotNet.Run(root.FullName, none, s_step, ["pack", Metadata("TrainersProject"), "--no-build", .. pack]);
            DotNet.Run(root.FullName, none, s_step, ["pack", Metadata("AutoMLCoreProject"), "--no-build", .. pack]);
            AssertPackageContents(Path.Combine(feed, $"DeepOpt.Trainers.{version}.nupkg"),
                "lib/net10.0/DeepOpt.Trainers.dll", "lib/net10.0/DeepOpt.Trainers.xml", "README.md",
                "buildTransitive/DeepOpt.Trainers.targets", "buildTransitive/WeakenGlibcxxRequirement.cs");
            AssertPackageContents(Path.Combine(feed, $"DeepOpt.AutoML.{version}.nupkg"),
                "lib/net10.0/DeepOpt.AutoML.dll", "lib/net10.0/DeepOpt.AutoML.xml", "README.md");
            AssertPackageContents(Path.Combine(feed, $"DeepOpt.AutoML.Core.{version}.nupkg"),
                "lib/net10.0/DeepOpt.AutoML.Core.dll", "lib/net10.0/DeepOpt.AutoML.Core.xml", "README.md");
            AssertDependencies(Path.Combine(feed, $"DeepOpt.AutoML.Core.{version}.nupkg"), absent: ["DeepOpt.Trainers", "TorchSharp"]);
            Assert.IsTrue(File.Exists(Path.Combine(feed, $"DeepOpt.Trainers.{version}.snupkg")), "symbols package");
            Assert.IsTrue(File.Exists(Path.Combine(feed, $"DeepOpt.AutoML.{version}.snupkg")), "symbols package");

            WriteConsumer(root.FullName, app, feed, version);
            // Its own global packages folder (the machine's is only a read-only fallback for third-party packages, and
            // holds no DeepOpt package of this version), so no stale copy can stand in for a package packed here.
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root.FullName, "packages") };
            var output = DotNet.Run(app, environment, s_step, "run", "-nodeReuse:false");

            // The program prints key=value lines; restore and build warnings may contain '=' too.
            var values = output.Split('\n').Select(l => l.Trim().Split('=', 2))
                .Where(p => p.Length == 2 && p[0] is "epochs" or "accuracy" or "experiment")
                .ToDictionary(p => p[0], p => p[1]);
            Assert.AreEqual("4", values.GetValueOrDefault("epochs"), output);
            Assert.IsTrue(double.Parse(values["accuracy"], CultureInfo.InvariantCulture) > 0.9, output);
            Assert.AreEqual("DeepOpt.AutoML.DeepOptExperiment", values.GetValueOrDefault("experiment"), output);
            Assert.IsTrue(Directory.Exists(Path.Combine(root.FullName, "packages", "deepopt.trainers", version)),
                "DeepOpt.Trainers was restored from the packed folder");
            succeeded = true;
        }
        finally
        {
            if (succeeded)
            {
                root.Delete(recursive: true);
            }
            else
            {
                TestContext.WriteLine($"Kept {root.FullName} for inspection.");
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no {key}.");

    private static void AssertPackageContents(string package, params string[] entries)
    {
        using var zip = ZipFile.OpenRead(package);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var entry in entries)
        {
            Assert.IsTrue(names.Contains(entry), $"{Path.GetFileName(package)} lacks {entry}; it has {string.Join(", ", names)}");
        }

        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var text = nuspec.ReadToEnd();
        foreach (var expected in new[] { "<license type=\"expression\">MIT</license>", "<readme>README.md</readme>", "<repository type=\"git\"", "<authors>" })
        {
            Assert.IsTrue(text.Contains(expected, StringComparison.Ordinal), $"{Path.GetFileName(package)}'s nuspec lacks {expected}:\n{text}");
        }
    }

    /// <summary>Asserts that a package depends on none of <paramref name="absent"/> (the tuners need no TorchSharp).</summary>
    private static void AssertDependencies(string package, string[] absent)
    {
        using var zip = ZipFile.OpenRead(package);
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var text = nuspec.ReadToEnd();
        Assert.IsTrue(text.Contains("<dependency id=\"Microsoft.ML\"", StringComparison.Ordinal), $"{Path.GetFileName(package)} should depend on Microsoft.ML:\n{text}");
        foreach (var id in absent)
        {
            Assert.IsFalse(text.Contains($"<dependency id=\"{id}", StringComparison.Ordinal), $"{Path.GetFileName(package)} depends on {id}:\n{text}");
        }
    }

    private static void WriteConsumer(string root, string app, string feed, string version)
    {
        // Empty MSBuild and SDK settings at the root stop any file above the temp folder from leaking in.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />");

        var machinePackages = NuGetFeeds.ParseGlobalPackagesFolder(
            DotNet.Run(root, new Dictionary<string, string>(), s_step, "nuget", "locals", "global-packages", "--list"));
        NuGetFeeds.WriteConsumerConfig(Path.Combine(app, "nuget.config"), feed, NuGetFeeds.ReadSources(Metadata("NuGetConfig")),
            machinePackages != null && Directory.Exists(machinePackages) ? machinePackages : null);

        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DeepOpt.AutoML" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        using var source = typeof(PackageConsumerTests).Assembly.GetManifestResourceStream("Consumer.Program.cs")
            ?? throw new InvalidOperationException("The consumer's Program.cs is not embedded.");
        using var target = File.Create(Path.Combine(app, "Program.cs"));
        source.CopyTo(target);
    }
}
