// Licensed under the MIT license. See LICENSE in the repository root.
// QuickStart: an MLP in an ML.NET pipeline on the UCI handwritten digits (embedded), with per-epoch progress,
// test metrics, and a save/load round trip.

using DeepOpt.Examples;
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
    Progress = new ConsoleProgress(),
};

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.NormalizeMinMax("Features", "Pixels"))
    .Append(ml.MulticlassClassification.Trainers.Mlp(options))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

Console.WriteLine($"Training an MLP on 80 % of the 1,797 digits ({(torch.cuda.is_available() ? "CUDA" : "CPU")})...");
var model = pipeline.Fit(split.TrainSet);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Test: micro accuracy {metrics.MicroAccuracy:P2}, macro accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");

var path = Path.Combine(Path.GetTempPath(), "deepopt-quickstart.zip");
ml.Model.SaveDeepOpt(model, data.Schema, path);
var loaded = ml.Model.LoadDeepOpt(path, out _);
var engine = ml.Model.CreatePredictionEngine<DigitImage, DigitPrediction>(loaded);
var first = ml.Data.CreateEnumerable<DigitImage>(split.TestSet, reuseRowObject: false).First();
Console.WriteLine($"Saved to {path} and loaded: the first test image is a {first.Label}, predicted {engine.Predict(first).PredictedLabel}.");

/// <summary>Prints each epoch as it ends.</summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    public void Report(EpochReport r) =>
        Console.WriteLine($"epoch {r.Epoch,2}/{r.TotalEpochs}  train loss {r.TrainLoss:F4}  validation loss {r.ValidationLoss:F4}  validation accuracy {r.ValidationMetric:P1}  lr {r.LearningRate:G3}  {r.Seconds:F2} s");
}

/// <summary>The prediction read back from the pipeline.</summary>
internal sealed class DigitPrediction
{
    public float PredictedLabel { get; set; }
}
