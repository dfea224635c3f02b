// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// Data-parallel training over a process group (<see cref="DeepFitContext.ProcessGroup"/>), with the ranks as threads
/// (<see cref="ThreadProcessGroup"/>); MpiTests run the same over Open MPI.
/// </summary>
[TestClass]
public sealed class ProcessGroupTests
{
    [TestMethod]
    public void Fit_TwoRanks_EqualTwoReplicasInOneProcessBitForBit()
    {
        // The same two slices, their gradients summed in the same order, with every option that acts on the step.
        MlpOptions Options(int replicas) => new()
        {
            HiddenLayerSizes = [16], L1Penalty = 1e-3, GradientClipNorm = 1, ClassWeights = [1, 3, 1], ValidationFraction = 0.2,
            EarlyStoppingPatience = 2, Schedule = ScheduleKind.CosineAnnealing, Epochs = 5, BatchSize = 9, Seed = 2, Replicas = replicas,
        };
        using var replicas = Fit(Options(2), null);
        foreach (var rank in ThreadProcessGroup.RunAll(2, group => Fit(Options(1), group)))
        {
            using (rank)
            {
                Assert.IsTrue(MlpTrainerTests.WeightsEqual(replicas, rank));
                CollectionAssert.AreEqual(replicas.History.Select(e => e.TrainLoss).ToArray(), rank.History.Select(e => e.TrainLoss).ToArray());
            }
        }
    }

    [TestMethod]
    public void Fit_ThreeRanks_EqualOneProcessWithinRounding()
    {
        // 77 rows in batches of 8: the last batch of 5 rows is cut 2, 2, 1.
        MlpOptions Options() => new() { HiddenLayerSizes = [16], Optimizer = OptimizerKind.Sgd, Momentum = 0.9, LearningRate = 0.05, L1Penalty = 1e-3, Epochs = 4, BatchSize = 8, Seed = 2 };
        using var alone = Fit(Options(), null);
        foreach (var rank in ThreadProcessGroup.RunAll(3, group => Fit(Options(), group)))
        {
            using (rank)
            {
                ReplicaTests.AssertClose(alone, rank);
            }
        }
    }

    [TestMethod]
    public void Fit_TwoRanksOfTwoReplicasWithBatchNorm_MatchOneProcessOfFourReplicas()
    {
        // Batch norm normalises each slice by its own statistics, so the same 4 slices give the same result. (SGD: Adam
        // would turn the rounding noise of the bias before batch norm, whose true gradient is 0, into steps of its rate.)
        MlpOptions Options(int replicas) => new() { HiddenLayerSizes = [12], BatchNorm = true, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Epochs = 3, BatchSize = 16, Seed = 3, Replicas = replicas };
        using var alone = Fit(Options(4), null);
        foreach (var rank in ThreadProcessGroup.RunAll(2, group => Fit(Options(2), group)))
        {
            using (rank)
            {
                ReplicaTests.AssertClose(alone, rank);
            }
        }
    }

    [TestMethod]
    public void Fit_OnlyRankZero_ReportsProgress()
    {
        var reports = new int[2];
        var ranks = ThreadProcessGroup.RunAll(2, group => Fit(new MlpOptions { HiddenLayerSizes = [4], Epochs = 2, Seed = 1 }, group, new Action<EpochReport>(_ => Interlocked.Increment(ref reports[group.Rank])).AsProgress()));
        foreach (var rank in ranks)
        {
            rank.Dispose();
        }

        CollectionAssert.AreEqual(new[] { 2, 0 }, reports);
    }

    [TestMethod]
    public void Fit_RanksWithOtherData_ThrowOnEveryRankSayingWhatDiffers()
    {
        var errors = ThreadProcessGroup.RunAll(2, group =>
        {
            try
            {
                using var model = Fit(new MlpOptions { HiddenLayerSizes = [4], Epochs = 1, Seed = 1 }, group, rows: group.Rank == 0 ? 60 : 66);
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        });
        Assert.IsNotNull(errors[0]);
        StringAssert.Contains(errors[1], "Rank 1 of the process group trains on other data or options than rank 0: training rows 66 (rank 0: 60)");
    }

    private static DeepPredictionTransformer Fit(MlpOptions options, IProcessGroup? group, IProgress<EpochReport>? progress = null, int rows = 77)
    {
        var ml = new MLContext(seed: 1);
        return ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { ProcessGroup = group, Progress = progress })
            .Fit(Synthetic.KeyedBlobs(ml, rows, 3, seed: 1, spread: 1.5));
    }
}
