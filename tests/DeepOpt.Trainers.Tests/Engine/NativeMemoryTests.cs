// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class NativeMemoryTests
{
    [TestMethod]
    public void Fit_TwentyTimes_LeavesLiveTensorsAndMemoryFlat()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 400, 3, seed: 1);
        var options = new MlpOptions
        {
            HiddenLayerSizes = [256, 256], BatchNorm = true, Epochs = 3, ValidationFraction = 0.2, EarlyStoppingPatience = 5,
            L1Penalty = 1e-5, GradientClipNorm = 1, BalanceClassWeights = true,
        };

        void FitOnce()
        {
            using var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(data);
            _ = model.Transform(data).GetColumn<uint>("PredictedLabel").Count();
        }

        for (int i = 0; i < 3; i++)
        {
            FitOnce();
        }

        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long memoryBefore = ResidentBytes();
        var live = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            FitOnce();
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount - liveBefore);
        }

        long growth = ResidentBytes() - memoryBefore;
        Console.WriteLine($"live: {string.Join(", ", live)}; growth {growth >> 20} MiB");
        Assert.AreEqual("0", string.Join(", ", live.Distinct()), "live tensors after each fit");
        Assert.IsLessThan(40L << 20, growth, $"resident memory grew by {growth >> 20} MiB over 20 fits");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
