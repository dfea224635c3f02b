// Licensed under the MIT license. See LICENSE in the repository root.
// Trains the seed CNN (conv 3×3 32, max-pool, conv 3×3 64, max-pool, dense 128) on Fashion-MNIST from Debian's
// dataset-fashion-mnist package, with per-epoch progress and the test accuracy.
// Usage: dotnet run --project examples/FashionMnist -- [--data DIR] [--epochs N] [--threads N]

using System.Diagnostics;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;

var command = CommandLine.Parse(args, "[--data DIR] [--epochs N] [--threads N]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--epochs"] = "10", ["--threads"] = null,
});
if (command == null)
{
    return 2;
}

int epochs = command.Int("--epochs");
string folder;
try
{
    folder = FashionMnistData.Locate(command.Text("--data"));
}
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

var ml = new MLContext(seed: 1);
var watch = Stopwatch.StartNew();
var train = ml.Data.LoadFromEnumerable(FashionMnistData.Train(folder));
var test = ml.Data.LoadFromEnumerable(FashionMnistData.Test(folder));
Console.WriteLine($"Read Fashion-MNIST from {folder} in {watch.Elapsed.TotalSeconds:F1} s.");

var options = new CnnOptions
{
    FeatureColumnName = "Pixels",
    ImageHeight = 28,
    ImageWidth = 28,
    Channels = 1,
    Optimizer = OptimizerKind.Adam,
    LearningRate = 1e-3,
    BatchSize = 128,
    Epochs = epochs,
    ThreadCount = command.OptionalInt("--threads"),
};
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Cnn(options, new DeepFitContext { Progress = new Progress() }));
var model = pipeline.Fit(train);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"Test accuracy {metrics.MicroAccuracy:P2} (macro {metrics.MacroAccuracy:P2}) after {epochs} epochs.");
return 0;

/// <summary>Prints each epoch as it ends.</summary>
internal sealed class Progress : IProgress<EpochReport>
{
    public void Report(EpochReport r) =>
        Console.WriteLine($"epoch {r.Epoch,2}/{r.TotalEpochs}  train loss {r.TrainLoss:F4}  lr {r.LearningRate:G3}  {r.Seconds:F1} s");
}
