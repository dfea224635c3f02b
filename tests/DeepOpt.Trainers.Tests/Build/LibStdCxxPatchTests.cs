// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// The build marks GLIBCXX_3.4.32 weak in every copy of libLibTorchSharp.so exactly when the host's libstdc++ lacks it
/// (buildTransitive/DeepOpt.Trainers.targets). Read back with binutils' readelf, independently of the patcher.
/// </summary>
[TestClass]
public sealed class LibStdCxxPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";

    [TestMethod]
    public void OutputCopies_OnThisHost_AreWeakExactlyWhenTheHostLacksTheVersion()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            Assert.Inconclusive("The patch applies to Linux only.");
        }

        var copies = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.IsNotEmpty(copies, "no copy of libLibTorchSharp.so in the test output");
        var host = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6" }.First(File.Exists);
        bool hostHasVersion = File.ReadAllBytes(host).AsSpan().IndexOf(Encoding.ASCII.GetBytes(Version + "\0")) >= 0;
        foreach (var copy in copies)
        {
            var line = ReadElfVersionNeeds(copy).Split('\n').Single(l => l.Contains($"Name: {Version}", StringComparison.Ordinal));
            Assert.AreEqual(!hostHasVersion, line.Contains("Flags: WEAK", StringComparison.Ordinal), $"{copy}: {line.Trim()} (host {host} {(hostHasVersion ? "has" : "lacks")} {Version})");
        }
    }

    private static string ReadElfVersionNeeds(string path)
    {
        var start = new ProcessStartInfo("readelf") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-V");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
