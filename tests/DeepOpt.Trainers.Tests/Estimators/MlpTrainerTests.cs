// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class MlpTrainerTests
{
    [TestMethod]
    public void Fit_SeparableBlobs_ReachesHighAccuracyAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        var train = Synthetic.KeyedBlobs(ml, 300, 4, seed: 1);
        var test = Synthetic.KeyedBlobs(ml, 200, 4, seed: 2);
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Epochs = 15, HiddenLayerSizes = [16], LearningRate = 1e-2, Seed = 3 }).Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsGreaterThanOrEqualTo(0.97, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}, history {string.Join(", ", model.History.Select(h => h.TrainLoss))}");
        Assert.HasCount(15, model.History);
    }

    [TestMethod]
    public void Fit_Binary_EvaluatesAndPredictsWithPredictionEngine()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Synthetic.BinaryBlobs(200, seed: 1));
        var test = Synthetic.BinaryBlobs(100, seed: 2);
        using var model = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [8], epochs: 10, learningRate: 1e-2).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
        Assert.IsGreaterThanOrEqualTo(0.97, metrics.Accuracy, $"accuracy {metrics.Accuracy}, history {string.Join(", ", model.History.Select(h => h.TrainLoss))}");
        Assert.IsGreaterThanOrEqualTo(0.99, metrics.AreaUnderRocCurve);
        var engine = ml.Model.CreatePredictionEngine<BinaryRow, BinaryPrediction>(model);
        int correct = test.Count(row => engine.Predict(row).PredictedLabel == row.Label);
        Assert.IsGreaterThanOrEqualTo(97, correct);
        var one = engine.Predict(test[0]);
        Assert.AreEqual(1 / (1 + Math.Exp(-one.Score)), one.Probability, 1e-6);
    }

    [TestMethod]
    public void Fit_Regression_ReachesHighRSquared()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Synthetic.Regression(500, seed: 1));
        var test = ml.Data.LoadFromEnumerable(Synthetic.Regression(200, seed: 2));
        using var model = ml.Regression.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [32], Epochs = 40, LearningRate = 3e-3, Seed = 1 }).Fit(train);
        var metrics = ml.Regression.Evaluate(model.Transform(test));
        Assert.IsGreaterThanOrEqualTo(0.95, metrics.RSquared, $"R² {metrics.RSquared}");
    }

    [TestMethod]
    public void Fit_Digits_TestAccuracyAtLeast95Percent()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(Digits.Load()), testFraction: 0.2, seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMinMax("Features", "Pixels"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [256], Epochs = 30, LearningRate = 2e-3, Dropout = 0.1 }));
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Assert.IsGreaterThanOrEqualTo(0.95, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
    }

    [TestMethod]
    public void Fit_SameSeed_GivesBitwiseEqualWeights()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 200, 3, seed: 1);
        MlpOptions Options(int seed) => new() { HiddenLayerSizes = [16, 8], Dropout = 0.2, BatchNorm = true, Epochs = 3, ValidationFraction = 0.2, Seed = seed };
        using var first = ml.MulticlassClassification.Trainers.Mlp(Options(5)).Fit(data);
        using var second = ml.MulticlassClassification.Trainers.Mlp(Options(5)).Fit(data);
        using var other = ml.MulticlassClassification.Trainers.Mlp(Options(6)).Fit(data);
        Assert.IsTrue(WeightsEqual(first, second), "same seed, different weights");
        Assert.IsFalse(WeightsEqual(first, other), "different seeds, same weights");
    }

    [TestMethod]
    public void Fit_MlContextSeed_GivesEqualWeightsWithoutExplicitSeed()
    {
        DeepPredictionTransformer Train() => new MLContext(seed: 42).MulticlassClassification.Trainers.Mlp(epochs: 2).Fit(Synthetic.KeyedBlobs(new MLContext(), 100, 3, seed: 1));
        using var first = Train();
        using var second = Train();
        Assert.IsTrue(WeightsEqual(first, second));
    }

    [TestMethod]
    [DataRow(OptimizerKind.Sgd, 0.1)]
    [DataRow(OptimizerKind.Momentum, 0.05)]
    [DataRow(OptimizerKind.Nesterov, 0.05)]
    [DataRow(OptimizerKind.Adagrad, 0.05)]
    [DataRow(OptimizerKind.RmsProp, 1e-3)]
    [DataRow(OptimizerKind.Adam, 3e-3)]
    [DataRow(OptimizerKind.AdamW, 3e-3)]
    public void Fit_EachOptimizer_LowersTheLoss(OptimizerKind optimizer, double learningRate)
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 200, 3, seed: 1, spread: 1.0);
        var options = new MlpOptions { Optimizer = optimizer, LearningRate = learningRate, WeightDecay = 1e-4, HiddenLayerSizes = [16], Epochs = 8, Seed = 2 };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(data);
        double first = model.History[0].TrainLoss;
        double last = model.History[^1].TrainLoss;
        Assert.IsLessThan(first * 0.7, last, $"{optimizer}: loss {first} -> {last}");
    }

    [TestMethod]
    public void Fit_EarlyStopping_StopsAndRestoresTheBestWeights()
    {
        var ml = new MLContext(seed: 1);
        var train = Synthetic.KeyedBlobs(ml, 120, 3, seed: 1, spread: 1.5);

        // Validation labels unrelated to the features: the validation loss soon rises as the network fits the training data.
        var shuffled = Synthetic.Blobs(90, 3, seed: 9, spread: 1.5).Select((r, i) => new VectorRow { Features = r.Features, Label = (i * 7 % 5) % 3 }).ToList();
        var validation = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(Synthetic.Blobs(120, 3, seed: 1)))
            .Transform(ml.Data.LoadFromEnumerable(shuffled));
        var options = new MlpOptions
        {
            HiddenLayerSizes = [64], Epochs = 60, LearningRate = 1e-2, EarlyStoppingPatience = 3, Seed = 1,
        };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { ValidationSet = validation }).Fit(train);
        Assert.IsLessThan(60, model.History.Count, "early stopping did not stop");
        int best = Enumerable.Range(0, model.History.Count).MinBy(i => model.History[i].ValidationLoss!.Value);
        Assert.AreEqual(model.History.Count - 1 - options.EarlyStoppingPatience, best, "stopped after patience epochs without improvement");
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(validation));
        Assert.AreEqual(model.History[best].ValidationLoss!.Value, metrics.LogLoss, 1e-4, "the restored weights are those of the best epoch");
    }

    [TestMethod]
    public void Fit_Schedule_HistoryRecordsTheScheduledRates()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpOptions { Epochs = 6, Schedule = ScheduleKind.Step, StepSize = 2, Gamma = 0.5, WarmupEpochs = 1, LearningRate = 0.01 };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(Synthetic.KeyedBlobs(ml, 100, 3, seed: 1));
        var schedule = new LearningRateSchedule(options);
        CollectionAssert.AreEqual(Enumerable.Range(0, 6).Select(schedule.RateAt).ToArray(), model.History.Select(h => h.LearningRate).ToArray());
    }

    [TestMethod]
    public void Fit_ProgressAndLog_ReportEveryEpoch()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            lock (messages)
            {
                messages.Add(e.Message);
            }
        };
        var reports = new List<EpochReport>();
        var options = new MlpOptions { Epochs = 3, ValidationFraction = 0.2 };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { Progress = new ListProgress(reports) }).Fit(Synthetic.KeyedBlobs(ml, 100, 3, seed: 1));
        Assert.HasCount(3, reports);
        Assert.IsTrue(reports.All(r => r.ValidationLoss.HasValue && r.ValidationMetric.HasValue && r.Seconds > 0));
        Assert.AreEqual(3, messages.Count(m => m.Contains("Epoch ", StringComparison.Ordinal) && m.Contains("train loss", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Fit_BatchProgress_ReportsEveryBatchWithItsLoss()
    {
        var ml = new MLContext(seed: 1);
        var batches = new List<BatchReport>();
        var reports = new List<EpochReport>();
        var options = new MlpOptions { Epochs = 2, BatchSize = 32 };
        var context = new DeepFitContext { Progress = new ListProgress(reports), BatchProgress = new Progress(batches) };
        using var model = ml.MulticlassClassification.Trainers.Mlp(options, context).Fit(Synthetic.KeyedBlobs(ml, 100, 3, seed: 1));

        // 100 rows in batches of 32: 4 per epoch (32, 32, 32, 4).
        Assert.HasCount(8, batches);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 1, 2, 3, 4 }, batches.Select(b => b.Batch).ToArray());
        Assert.IsTrue(batches.All(b => b.TotalBatches == 4 && b.TotalEpochs == 2 && double.IsFinite(b.Loss)));
        Assert.AreEqual(reports[0].TrainLoss, batches.Take(4).Average(b => b.Loss), 1e-6, "the epoch's loss is the mean of its batches'");
    }

    [TestMethod]
    public void Fit_Cancelled_StopsBeforeTheNextBatch()
    {
        var ml = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        var reports = new List<EpochReport>();
        var context = new DeepFitContext { CancellationToken = cancellation.Token, Progress = new ListProgress(reports, after: _ => cancellation.Cancel()) };
        Assert.ThrowsExactly<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Epochs = 50 }, context).Fit(Synthetic.KeyedBlobs(ml, 100, 3, seed: 1)));
        Assert.HasCount(1, reports);
    }

    [TestMethod]
    public void Fit_ContextFilledAfterTheTrainerIsMade_IsReadWhenFitStarts()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<EpochReport>();
        var context = new DeepFitContext();
        var pipeline = ml.Transforms.CopyColumns("Features", "Features").Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Epochs = 2 }, context));
        context.Progress = new ListProgress(reports);
        context.ValidationSet = Synthetic.KeyedBlobs(ml, 30, 3, seed: 2);
        using var model = pipeline.Fit(Synthetic.KeyedBlobs(ml, 100, 3, seed: 1));
        Assert.HasCount(2, reports);
        Assert.IsTrue(reports.All(r => r.ValidationLoss.HasValue), "the validation data set after the pipeline was built is used");
    }

    internal static bool WeightsEqual(DeepPredictionTransformer a, DeepPredictionTransformer b)
    {
        var left = a.Network.state_dict();
        var right = b.Network.state_dict();
        return left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var other) && p.Value.Equals(other));
    }

    private sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }
    }

    /// <summary>Collects batch reports synchronously (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class Progress(List<BatchReport> batches) : IProgress<BatchReport>
    {
        public void Report(BatchReport value) => batches.Add(value);
    }

    private sealed class ListProgress(List<EpochReport> reports, Action<EpochReport>? after = null) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            reports.Add(value);
            after?.Invoke(value);
        }
    }
}
