// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.AutoML;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.Bench.Transfer;

/// <summary>What one route gave: test accuracy, the training time and the training images seen per second.</summary>
internal sealed record RouteResult(string Route, int Labelled, double Accuracy, double TrainSeconds, double ImagesPerSecond);

/// <summary>The three routes on DeepOpt's own CNN: from scratch, the best of a short sweep, and fine-tuned after
/// pretraining on the other five classes.</summary>
internal sealed class CnnRoutes(MLContext ml, FewLabels task, int threads, int seed)
{
    /// <summary>The seed CNN (the default options) on 28×28 grey images.</summary>
    public CnnOptions Seed(int epochs) => new()
    {
        FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, Channels = 1,
        Epochs = epochs, BatchSize = 32, ThreadCount = threads, Seed = seed,
    };

    /// <summary>Epochs for a labelled set: about 3,000 images seen in all, and at least 10 epochs.</summary>
    public static int EpochsFor(int labelled) => Math.Max(10, 3000 / labelled);

    public RouteResult Scratch(IDataView labelled, int count) =>
        Timed("seed CNN from scratch", count, EpochsFor(count), () => ml.MulticlassClassification.Trainers.Cnn(Seed(EpochsFor(count))).Fit(labelled));

    /// <summary>A short sweep on the labelled images alone: 80 % to train each trial, 20 % to pick the best.</summary>
    public RouteResult Sweep(IDataView labelled, int count, int trials)
    {
        var split = ml.Data.TrainTestSplit(labelled, testFraction: 0.2, seed: seed);
        // Batches no larger than a quarter of the trial's training rows, so that even 80 rows make several batches.
        var batchSizes = new object[] { 16, 32, 64, 128 }.Where(b => (int)b <= Math.Max(16, count / 5)).ToArray();
        var space = new SearchSpace<CnnSearchSpace> { ["Epochs"] = new ChoiceOption(EpochsFor(count)), ["BatchSize"] = new ChoiceOption(batchSizes) };
        var watch = Stopwatch.StartNew();
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(split.TrainSet, split.TestSet)
            .SetPipeline(ml.DeepOptAuto().Cnn(Seed(EpochsFor(count)), space))
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
            .SetMaxTrials(trials);
        var best = experiment.RunAsync().GetAwaiter().GetResult();
        double seconds = watch.Elapsed.TotalSeconds;
        double accuracy = Accuracy(best.Model!);
        (best.Model as IDisposable)?.Dispose();
        return new RouteResult($"best CNN of a {trials}-trial sweep", count, accuracy, seconds, count * 0.8 * EpochsFor(count) * trials / seconds);
    }

    /// <summary>The seed CNN trained on every image of the other five classes, once for all labelled sizes.</summary>
    public (DeepPredictionTransformer Model, double Seconds) Pretrain(int epochs)
    {
        var watch = Stopwatch.StartNew();
        var model = ml.MulticlassClassification.Trainers.Cnn(Seed(epochs)).Fit(task.Source);
        return (model, watch.Elapsed.TotalSeconds);
    }

    public RouteResult FineTuned(IDataView labelled, int count, DeepPredictionTransformer pretrained)
    {
        var options = Seed(EpochsFor(count));
        options.PretrainedLearningRateFactor = 0.3;
        return Timed("CNN pretrained on the other 5 classes, fine-tuned", count, options.Epochs,
            () => ml.MulticlassClassification.Trainers.Cnn(options, new DeepFitContext { Pretrained = pretrained }).Fit(labelled));
    }

    public double Accuracy(ITransformer model) => ml.MulticlassClassification.Evaluate(model.Transform(task.Test)).MicroAccuracy;

    private RouteResult Timed(string route, int count, int epochs, Func<DeepPredictionTransformer> fit)
    {
        var watch = Stopwatch.StartNew();
        using var model = fit();
        double seconds = watch.Elapsed.TotalSeconds;
        return new RouteResult(route, count, Accuracy(model), seconds, count * (double)epochs / seconds);
    }
}
