// Licensed under the MIT license. See LICENSE in the repository root.
// A fresh application that knows DeepOpt only through its NuGet packages: it trains a tiny MLP on two separable
// blobs and prints what the packaging test checks.

using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

var random = new Random(1);
var rows = Enumerable.Range(0, 400).Select(i =>
{
    var label = i % 2 == 0 ? "a" : "b";
    var centre = label == "a" ? -1f : 1f;
    var features = Enumerable.Range(0, 4).Select(_ => centre + (float)(random.NextDouble() - 0.5)).ToArray();
    return new Row { Label = label, Features = features };
}).ToList();

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(rows);
var options = new MlpOptions { HiddenLayerSizes = [8], Epochs = 4, BatchSize = 32, LearningRate = 1e-2, Seed = 1, ThreadCount = 1 };
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Mlp(options));
var model = pipeline.Fit(data);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));

// DeepOpt.AutoML's catalog, to show the second package loads too.
var experiment = ml.DeepOptAuto().CreateExperiment();

Console.WriteLine($"epochs={model.LastTransformer.History.Count}");
Console.WriteLine($"accuracy={metrics.MicroAccuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)}");
Console.WriteLine($"experiment={experiment.GetType().FullName}");

internal sealed class Row
{
    public string Label { get; set; } = "";

    [VectorType(4)]
    public float[] Features { get; set; } = [];
}
