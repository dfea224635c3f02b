// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// Data-parallel replicas in one process (<see cref="DeepTrainerOptions.Replicas"/>): the same weights as one replica
/// with the same batch size, within float rounding, with every option that acts on the loss, the gradient or the step.
/// </summary>
[TestClass]
public sealed class ReplicaTests
{
    [TestMethod]
    public void Fit_MlpWithPenaltiesClippingScheduleAndEarlyStopping_TwoReplicasEqualOne()
    {
        // 61 rows with a validation split leave a short last batch; the class weights make the slices' shares unequal.
        DeepPredictionTransformer Fit(int replicas) => new MLContext(seed: 1).MulticlassClassification.Trainers.Mlp(new MlpOptions
        {
            HiddenLayerSizes = [16, 8], Optimizer = OptimizerKind.Adam, LearningRate = 0.01, L1Penalty = 1e-3, WeightDecay = 1e-3,
            GradientClipNorm = 0.5, GradientClipValue = 0.2, Schedule = ScheduleKind.CosineAnnealing, WarmupEpochs = 1, ClassWeights = [1, 2, 0.5],
            LabelSmoothing = 0.1, EarlyStoppingPatience = 2, ValidationFraction = 0.2, Epochs = 8, BatchSize = 7, Seed = 3, Replicas = replicas,
        }).Fit(Synthetic.KeyedBlobs(new MLContext(seed: 1), 76, 3, seed: 1, spread: 1.5));

        using var one = Fit(1);
        using var two = Fit(2);
        using var three = Fit(3);
        AssertClose(one, two);
        AssertClose(one, three);
    }

    [TestMethod]
    public void Fit_DistilledStudentWithClassWeights_ThreeReplicasEqualOne()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 90, 3, seed: 2, spread: 1.5);
        using var teacher = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 3, Seed = 1 }).Fit(data);
        DeepPredictionTransformer Fit(int replicas) => ml.MulticlassClassification.Trainers.Mlp(
            new MlpOptions { HiddenLayerSizes = [8], ClassWeights = [3, 1, 1], DistillationAlpha = 0.7, Epochs = 3, BatchSize = 10, Seed = 4, Replicas = replicas },
            new DeepFitContext { Teacher = teacher }).Fit(data);

        using var one = Fit(1);
        using var three = Fit(3);
        AssertClose(one, three);
    }

    [TestMethod]
    public void Fit_BidirectionalGru_TwoReplicasEqualOne()
    {
        DeepPredictionTransformer Fit(int replicas) => new MLContext(seed: 1).MulticlassClassification.Trainers.Lstm(new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 8, HiddenSize = 8, Cell = RecurrentCellKind.Gru,
            Bidirectional = true, DenseUnits = 8, Optimizer = OptimizerKind.Sgd, Momentum = 0.9, LearningRate = 0.05, Epochs = 3, BatchSize = 16,
            Seed = 5, Replicas = replicas,
        }).Fit(WordOrder.Keyed(new MLContext(seed: 1), 120, seed: 1));

        using var one = Fit(1);
        using var two = Fit(2);
        AssertClose(one, two);
    }

    [TestMethod]
    public void Fit_FineTuningWithGradualUnfreezing_TwoReplicasEqualOne()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 80, 3, seed: 3, spread: 1.5);
        using var pretrained = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16, 8], Epochs = 2, Seed = 1 }).Fit(data);
        DeepPredictionTransformer Fit(int replicas) => ml.MulticlassClassification.Trainers.Mlp(
            new MlpOptions { HiddenLayerSizes = [16, 8], FreezeBlocks = 2, UnfreezeEveryEpochs = 1, PretrainedLearningRateFactor = 0.5, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Epochs = 3, BatchSize = 10, Seed = 2, Replicas = replicas },
            new DeepFitContext { Pretrained = pretrained }).Fit(data);

        using var one = Fit(1);
        using var two = Fit(2);
        AssertClose(one, two);
        var first = pretrained.Network.state_dict();
        Assert.IsFalse(one.Network.state_dict().All(p => p.Value.Equals(first[p.Key])), "the unfrozen blocks trained");
    }

    [TestMethod]
    public void Fit_CnnWithBatchNormDropoutAndAugmentation_SameSeedSameWeights()
    {
        DeepPredictionTransformer Fit(int seed) => new MLContext(seed: 1).MulticlassClassification.Trainers.Cnn(new CnnOptions
        {
            FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [8], DenseUnits = 16, BatchNorm = true,
            Dropout = 0.3, RandomHorizontalFlip = true, RandomCropPadding = 1, Epochs = 2, BatchSize = 16, Seed = seed, Replicas = 2,
        }).Fit(Bars.Keyed(new MLContext(seed: 1), 100, seed: 1));

        using var first = Fit(1);
        using var again = Fit(1);
        using var other = Fit(2);
        Assert.IsTrue(MlpTrainerTests.WeightsEqual(first, again), "the same seed gives the same weights with replicas");
        Assert.IsFalse(MlpTrainerTests.WeightsEqual(first, other));
        Assert.IsTrue(first.History.All(e => double.IsFinite(e.TrainLoss)));
    }

    [TestMethod]
    public void Fit_BatchNormReplicas_AverageTheRunningStatisticsOverTheSlices()
    {
        // One batch of 8 rows, two replicas of 4: each replica's running mean moves towards its own slice's mean, so the
        // averaged running mean equals that of one replica on the whole batch (the mean of the means of equal slices).
        DeepPredictionTransformer Fit(int replicas) => new MLContext(seed: 1).MulticlassClassification.Trainers.Mlp(new MlpOptions
        {
            HiddenLayerSizes = [6], BatchNorm = true, LearningRate = 1e-9, Epochs = 1, BatchSize = 8, Seed = 1, Replicas = replicas,
        }).Fit(Synthetic.KeyedBlobs(new MLContext(seed: 1), 8, 2, seed: 1));

        using var one = Fit(1);
        using var two = Fit(2);
        var means = one.Network.state_dict().Where(p => p.Key.EndsWith("running_mean", StringComparison.Ordinal)).ToList();
        Assert.IsNotEmpty(means);
        foreach (var (name, value) in means)
        {
            Assert.IsTrue(value.allclose(two.Network.state_dict()[name], rtol: 1e-5, atol: 1e-6), name);
        }
    }

    [TestMethod]
    public void Learn_RunsTheOtherReplicasOnTheirOwnThreads()
    {
        using var network = nn.Linear(3, 2);
        using var group = ReplicaGroup.Create(network, () => nn.Linear(3, 2), 3, CPU, threads: 1, seed: 1)!;
        var threads = new string?[3];
        using var input = torch.ones(7, 3);
        using var target = torch.zeros(7);
        var rows = new long[3];
        float sum = group.Learn(input, target, 1, (replica, x, y, index) =>
        {
            threads[index] = Thread.CurrentThread.Name;
            rows[index] = x.shape[0];
            return index + 1;
        });
        Assert.AreEqual(6f, sum, "the slices' values are summed");
        CollectionAssert.AreEqual(new long[] { 3, 2, 2 }, rows);
        Assert.AreEqual("DeepOpt replica 1", threads[1]);
        Assert.AreEqual("DeepOpt replica 2", threads[2]);
        Assert.AreNotEqual(threads[1], threads[0]);
    }

    [TestMethod]
    public void Learn_AReplicaThatThrows_WaitsForTheOthersAndRethrows()
    {
        using var network = nn.Linear(3, 2);
        using var group = ReplicaGroup.Create(network, () => nn.Linear(3, 2), 2, CPU, threads: 1, seed: 1)!;
        using var input = torch.ones(4, 3);
        using var target = torch.zeros(4);
        int finished = 0;
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => group.Learn(input, target, 1, (replica, x, y, index) =>
        {
            if (index == 1)
            {
                throw new InvalidOperationException("replica 1 failed");
            }

            Thread.Sleep(50);
            Interlocked.Increment(ref finished);
            return 0;
        }));
        Assert.AreEqual("replica 1 failed", error.Message);
        Assert.AreEqual(1, finished);
    }

    [TestMethod]
    public void Fit_HugeLearningRateWithReplicas_ThrowsTrainingDivergedAndPutsTheThreadCountBack()
    {
        var ml = new MLContext(seed: 1);
        int before = torch.get_num_threads();
        var options = new MlpOptions { HiddenLayerSizes = [16], Optimizer = OptimizerKind.Sgd, LearningRate = 1e9, Epochs = 5, Seed = 1, Replicas = 2 };
        Assert.ThrowsExactly<TrainingDivergedException>(() => ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(Synthetic.Regression(200, seed: 1))));
        Assert.AreEqual(before, torch.get_num_threads());
    }

    [TestMethod]
    public void Constructor_ReplicasAgainstBatchSize_NamesReplicasAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var zero = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Replicas = 0 }));
        Assert.AreEqual("Replicas", zero.ParamName);
        var rows = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { BatchNorm = true, BatchSize = 5, Replicas = 3 }));
        Assert.AreEqual("Replicas", rows.ParamName);
        StringAssert.Contains(rows.Message, "at least 6 with batch norm");
        StringAssert.Contains(rows.Message, "Raise `BatchSize` or lower `Replicas`");
        _ = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { BatchSize = 3, Replicas = 3 });
    }

    [TestMethod]
    public void CheckDevices_CudaWithoutADevicePerReplica_NamesReplicasAndTheCpuFix()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ReplicaGroup.CheckDevices(2, DeviceType.CUDA, 0, 1));
        Assert.AreEqual("Replicas", error.ParamName);
        StringAssert.Contains(error.Message, "cuda:0 to cuda:1");
        StringAssert.Contains(error.Message, "`Device` = \"cpu\"");
        ReplicaGroup.CheckDevices(2, DeviceType.CUDA, -1, 2);
        ReplicaGroup.CheckDevices(4, DeviceType.CPU, -1, 0);
    }

    internal static void AssertClose(DeepPredictionTransformer expected, DeepPredictionTransformer actual)
    {
        Assert.HasCount(expected.History.Count, actual.History);
        foreach (var (mine, theirs) in expected.History.Zip(actual.History))
        {
            Assert.AreEqual(mine.TrainLoss, theirs.TrainLoss, 1e-4, $"epoch {mine.Epoch}'s train loss");
        }

        var weights = actual.Network.state_dict();
        foreach (var (name, value) in expected.Network.state_dict())
        {
            Assert.IsTrue(value.allclose(weights[name], rtol: 1e-4, atol: 1e-5), $"{name}: largest difference {(value - weights[name]).abs().max().item<float>()}");
        }
    }
}
