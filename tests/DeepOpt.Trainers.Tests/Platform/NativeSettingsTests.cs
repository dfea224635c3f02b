// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text.RegularExpressions;
using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Loading DeepOpt changes nothing in the host process; training applies its settings, once, through NativeSettings.</summary>
[TestClass]
public sealed class NativeSettingsTests
{
    /// <summary>
    /// A service that only predicts keeps glibc's defaults, so a burst of 256 MiB freed goes back to the system. Before,
    /// a module initializer turned glibc's trimming and mmap off as soon as the assembly loaded, and the burst stayed.
    /// </summary>
    [TestMethod]
    public void LoadAndPredict_NothingApplied_ResidentSizeFallsBackAfterABurst()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Digits.Load().Take(200));
        using var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "Pixels", HiddenLayerSizes = [8], Epochs = 1 }))
            .Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.SaveDeepOpt(model, data.Schema, path);
            var (exitCode, output) = FreshProcess.MemoryBurst(path);
            Assert.AreEqual(0, exitCode, output);
            StringAssert.Contains(output, "applied: nothing");
            var (before, peak, after) = Resident(output);
            Assert.IsGreaterThanOrEqualTo(before + 200, peak, output);
            Assert.IsLessThanOrEqualTo(before * 1.2, after, $"the burst stayed in the process: {output}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Training applies the malloc settings (the freed burst stays, which is what keeps batches fast) and says so.</summary>
    [TestMethod]
    public void Train_AppliesMallocSettings_FreedBurstStaysInTheHeapUntilReleased()
    {
        var (exitCode, output) = FreshProcess.MemoryBurst(null);
        Assert.AreEqual(0, exitCode, output);
        StringAssert.Contains(output, "applied: glibc malloc: mmap threshold 32 MiB, no trimming, no mmap");
        var (before, peak, after) = Resident(output);
        Assert.IsGreaterThanOrEqualTo(before + 200, after, $"training's settings should keep the freed burst: {output}");
        Assert.IsLessThanOrEqualTo(peak + 16, after, $"nothing but the burst should grow the heap (16 MiB for the readings themselves): {output}");

        // ReleaseFreedMemory gives the kept burst back.
        var released = long.Parse(Regex.Match(output, @"released (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.IsLessThanOrEqualTo(before + 64, released, $"ReleaseFreedMemory should give the burst back: {output}");
    }

    [TestMethod]
    public void ApplyForTraining_CalledAgain_ReturnsTheSameLineAndAppliedShowsIt()
    {
        string first = NativeSettings.ApplyForTraining();
        Assert.AreEqual(first, NativeSettings.ApplyForTraining());
        Assert.AreEqual(first, NativeSettings.Applied);
        StringAssert.StartsWith(first, "glibc malloc: ");
    }

    private static (long Before, long Peak, long After) Resident(string output)
    {
        var match = Regex.Match(output, @"resident MiB before (\d+) peak (\d+) after (\d+)");
        Assert.IsTrue(match.Success, output);
        return (Parse(match.Groups[1].Value), Parse(match.Groups[2].Value), Parse(match.Groups[3].Value));
    }

    private static long Parse(string value) => long.Parse(value, CultureInfo.InvariantCulture);
}
