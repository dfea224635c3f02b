// Licensed under the MIT license. See LICENSE in the repository root.
// Transfer learning on Fashion-MNIST from Debian's dataset-fashion-mnist package, from a few labelled images per class,
// with the ImageNet ResNet-18 that ships with ML.NET (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, read offline):
//   1. its 512 features under a DeepOpt MLP head, in one ML.NET pipeline (ml.Transforms.ResNet18Features);
//   2. the whole network fine-tuned by the CNN trainer (Architecture = ResNet18), its stem frozen and its pretrained
//      layers at a tenth of the learning rate.
// Usage: dotnet run --project examples/TransferLearning -- [--data DIR] [--per-class N] [--test N] [--resize N] [--threads N]

using System.Diagnostics;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

var command = CommandLine.Parse(args, "[--data DIR] [--per-class N] [--test N] [--resize N] [--threads N]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--per-class"] = "20", ["--test"] = "2000", ["--resize"] = "64", ["--threads"] = null,
});
if (command == null)
{
    return 2;
}

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

// A few labelled images per class (balanced, seeded), and part of the test set.
var ml = new MLContext(seed: 1);
var random = new Random(1);
int perClass = command.Int("--per-class");
var labelled = FashionMnistData.Train(folder).OrderBy(_ => random.Next()).GroupBy(r => r.Label).SelectMany(g => g.Take(perClass)).ToList();
var testRows = FashionMnistData.Test(folder).Take(command.Int("--test")).ToList();
IDataView Images(List<FashionImage> rows) =>
    ml.Data.LoadFromEnumerable(rows.Select(r => new ImageRow { Image = FashionImage.ToImage(r.Pixels), Pixels = r.Pixels, Label = r.Label }));
var train = Images(labelled);
var test = Images(testRows);
var labels = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
Console.WriteLine($"{labelled.Count} labelled images ({perClass} per class), {testRows.Count} test images.");

// 1. ImageNet features and a DeepOpt head, in one pipeline.
var watch = Stopwatch.StartNew();
var featuresAndHead = ml.Transforms.ResNet18Features("Features", "Image")
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [128], Dropout = 0.2, Epochs = 30, BatchSize = 32, ThreadCount = command.OptionalInt("--threads") }))
    .Fit(train);
var first = ml.MulticlassClassification.Evaluate(featuresAndHead.Transform(test));
Console.WriteLine($"ResNet-18 features + MLP head: test accuracy {first.MicroAccuracy:P2} ({watch.Elapsed.TotalSeconds:F0} s, features of the test images included).");

// 2. ResNet-18 fine-tuned on the pixels.
int resize = command.Int("--resize");
watch.Restart();
using var fineTuned = ml.MulticlassClassification.Trainers.Cnn(new CnnOptions
{
    FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, Channels = 1,
    Architecture = CnnArchitecture.ResNet18, ResizeImagesTo = resize, FreezeBlocks = 1, PretrainedLearningRateFactor = 0.1,
    Epochs = 15, BatchSize = 32, ThreadCount = command.OptionalInt("--threads"),
}, new DeepFitContext { Progress = new Progress<EpochReport>(r => Console.WriteLine($"  epoch {r.Epoch}/{r.TotalEpochs} loss {r.TrainLoss:F4} {r.Seconds:F1} s")) })
    .Fit(labels.Transform(train));
var second = ml.MulticlassClassification.Evaluate(fineTuned.Transform(labels.Transform(test)));
Console.WriteLine($"ResNet-18 fine-tuned at {resize}×{resize}: test accuracy {second.MicroAccuracy:P2} ({watch.Elapsed.TotalSeconds:F0} s).");
return 0;

/// <summary>A Fashion-MNIST image both as an ML.NET image (for the featurizer) and as pixels (for the CNN trainer).</summary>
internal sealed class ImageRow
{
    [ImageType(28, 28)]
    public MLImage? Image { get; set; }

    [VectorType(28 * 28)]
    public float[] Pixels { get; set; } = [];

    public float Label { get; set; }
}
