// Licensed under the MIT license. See LICENSE in the repository root.
// QuickStart: an MLP in an ML.NET pipeline on the UCI handwritten digits (embedded), with a live progress bar (plain
// lines when output is redirected), test metrics, the learning curves as a PNG, and a save/load round trip.
// Usage: dotnet run --project examples/QuickStart -- [--plot learning-curves.png]

using DeepOpt.Examples;
using DeepOpt.Reports;
using DeepOpt.Reports.Live;
using DeepOpt.Trainers;
using Microsoft.ML;
using TorchSharp;

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(Digits.Load());
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

var options = new MlpOptions
{
    FeatureColumnName = "Features",
    HiddenLayerSizes = [128, 64],
    Dropout = 0.2,
    Optimizer = OptimizerKind.AdamW,
    LearningRate = 3e-3,
    WeightDecay = 1e-4,
    Schedule = ScheduleKind.CosineAnnealing,
    WarmupEpochs = 2,
    Epochs = 30,
    BatchSize = 32,
    ValidationFraction = 0.1,
    EarlyStoppingPatience = 8,
};
var context = new DeepFitContext(); // the run's objects: the live display below sets its progress

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.NormalizeMinMax("Features", "Pixels"))
    .Append(ml.MulticlassClassification.Trainers.Mlp(options, context))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

Console.WriteLine($"Training an MLP on 80 % of the 1,797 digits ({(torch.cuda.is_available() ? "CUDA" : "CPU")})...");
var model = LiveTraining.Run("MLP on digits", progress =>
{
    context.ReportTo(progress);
    return pipeline.Fit(split.TrainSet);
});
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Test: micro accuracy {metrics.MicroAccuracy:P2}, macro accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");

string plot = args.Length == 2 && args[0] == "--plot" ? args[1] : Path.Combine(Path.GetTempPath(), "deepopt-learning-curves.png");
LearningCurvePlot.SavePng(model.OfType<DeepPredictionTransformer>().Single(), plot);
Console.WriteLine($"Learning curves: {plot}");

var path = Path.Combine(Path.GetTempPath(), "deepopt-quickstart.zip");
ml.Model.SaveDeepOpt(model, data.Schema, path);
var loaded = ml.Model.LoadDeepOpt(path, out _);
var engine = ml.Model.CreatePredictionEngine<DigitImage, DigitPrediction>(loaded);
var first = ml.Data.CreateEnumerable<DigitImage>(split.TestSet, reuseRowObject: false).First();
Console.WriteLine($"Saved to {path} and loaded: the first test image is a {first.Label}, predicted {engine.Predict(first).PredictedLabel}.");

/// <summary>The prediction read back from the pipeline.</summary>
internal sealed class DigitPrediction
{
    public float PredictedLabel { get; set; }
}
