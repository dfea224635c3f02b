// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class TrainingEngineTests
{
    [TestMethod]
    public void Fit_BatchSizeOne_TrainsEveryRowOfEveryEpoch()
    {
        var ml = new MLContext(seed: 1);
        var batches = new List<BatchReport>();
        var options = new MlpOptions { HiddenLayerSizes = [8], BatchSize = 1, Epochs = 2 };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { BatchProgress = new Collect<BatchReport>(batches) }).Fit(Synthetic.KeyedBlobs(ml, 60, 3, seed: 1));
        Assert.HasCount(120, batches, "60 rows over 2 epochs in batches of one row");
    }

    [TestMethod]
    public void Fit_TrailingRowWithoutBatchNorm_IsTrained()
    {
        var ml = new MLContext(seed: 1);
        var batches = new List<BatchReport>();
        var options = new MlpOptions { HiddenLayerSizes = [8], BatchSize = 4, Epochs = 1 };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { BatchProgress = new Collect<BatchReport>(batches) }).Fit(Synthetic.KeyedBlobs(ml, 61, 3, seed: 1));
        Assert.HasCount(16, batches, "15 batches of 4 rows and the 61st row alone");
    }

    [TestMethod]
    public void Fit_TrailingRowWithBatchNorm_IsLeftToTheNextEpoch()
    {
        var ml = new MLContext(seed: 1);
        var batches = new List<BatchReport>();
        var options = new MlpOptions { HiddenLayerSizes = [8], BatchNorm = true, BatchSize = 4, Epochs = 1 };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { BatchProgress = new Collect<BatchReport>(batches) }).Fit(Synthetic.KeyedBlobs(ml, 61, 3, seed: 1));
        Assert.HasCount(15, batches);
    }

    [TestMethod]
    public void Constructor_BatchNormWithBatchSizeOne_NamesBatchSizeAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var mlp = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { BatchNorm = true, BatchSize = 1 }));
        Assert.AreEqual("BatchSize", mlp.ParamName);
        StringAssert.Contains(mlp.Message, "`BatchNorm` = false");
        var cnn = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.Cnn(new CnnOptions { ImageHeight = 12, ImageWidth = 12, BatchNorm = true, BatchSize = 1 }));
        Assert.AreEqual("BatchSize", cnn.ParamName);
    }

    [TestMethod]
    public void Fit_HugeLearningRate_ThrowsNamingEpochBatchAndFix()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpOptions { HiddenLayerSizes = [16], Optimizer = OptimizerKind.Sgd, LearningRate = 1e9, Epochs = 5, Seed = 1 };
        var error = Assert.ThrowsExactly<TrainingDivergedException>(() =>
            ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(Synthetic.Regression(200, seed: 1))));
        Assert.IsGreaterThanOrEqualTo(1, error.Epoch);
        Assert.IsGreaterThanOrEqualTo(1, error.Batch);
        StringAssert.Contains(error.Message, $"epoch {error.Epoch}, batch {error.Batch} of 7");
        StringAssert.Contains(error.Message, "Lower `LearningRate`");
    }

    [TestMethod]
    public void Fit_ThreadCount_PutsThePreviousCountBack()
    {
        var ml = new MLContext(seed: 1);
        int before = torch.get_num_threads();
        int during = 0;
        var options = new MlpOptions
        {
            HiddenLayerSizes = [8], Epochs = 1, ThreadCount = before == 1 ? 2 : 1,
        };
        var context = new DeepFitContext { Progress = new Action<EpochReport>(_ => during = torch.get_num_threads()).AsProgress() };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, context).Fit(Synthetic.KeyedBlobs(ml, 40, 3, seed: 1));
        Assert.AreEqual(options.ThreadCount, during, "the fit runs with its own thread count");
        Assert.AreEqual(before, torch.get_num_threads(), "and leaves the process's as it was");
    }

    [TestMethod]
    public void PredictionThreadCount_IsUsedForEachPassAndPutBack()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 3, seed: 1);
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 1 }).Fit(data);
        var expected = model.Transform(data).GetColumn<uint>("PredictedLabel").ToArray();
        int before = torch.get_num_threads();
        model.PredictionThreadCount = before == 1 ? 2 : 1;
        CollectionAssert.AreEqual(expected, model.Transform(data).GetColumn<uint>("PredictedLabel").ToArray());
        Assert.AreEqual(before, torch.get_num_threads());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.PredictionThreadCount = 0);
    }

    [TestMethod]
    public void ThreadCountScope_SetsAndRestores()
    {
        int before = torch.get_num_threads();
        int other = before == 1 ? 2 : 1;
        using (ThreadCountScope.Set(other))
        {
            Assert.AreEqual(other, torch.get_num_threads());
        }

        Assert.AreEqual(before, torch.get_num_threads());
        using (ThreadCountScope.Set(null))
        {
            Assert.AreEqual(before, torch.get_num_threads());
        }
    }

    [TestMethod]
    public void ThreadCountScope_Overlapping_KeepsTheCountUntilTheLastEndsThenRestores()
    {
        // Two fits at once, as parallel trials run: the first to end must not take the count from the one still running.
        int before = torch.get_num_threads();
        int other = before == 1 ? 2 : 1;
        var first = ThreadCountScope.Set(other);
        var second = ThreadCountScope.Set(other);
        first.Dispose();
        Assert.AreEqual(other, torch.get_num_threads(), "the second fit still runs");
        second.Dispose();
        Assert.AreEqual(before, torch.get_num_threads(), "the count from before both");
    }

    private sealed class Collect<T>(List<T> into) : IProgress<T>
    {
        public void Report(T value) => into.Add(value);
    }
}

internal static class ProgressExtensions
{
    public static IProgress<T> AsProgress<T>(this Action<T> action) => new Synchronous<T>(action);

    private sealed class Synchronous<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
