// Licensed under the MIT license. See LICENSE in the repository root.
// The transfer-learning bench of issue 19 on Fashion-MNIST from Debian's package: the five target classes learnt from
// 100 and from 1,000 labelled images (balanced, fixed seed), tested on the 5,000 test images of those classes, by each
// route; the other five classes, all 30,000 of their images, are the related task a model may be pretrained on.
// Prints a table and one line "RESULT {json}" per route and size.
// Usage: dotnet TransferBench.dll [--data DIR] [--sizes 100,1000] [--pretrain-epochs N] [--trials N] [--resize N] [--resnet-epochs X] [--resnet-rate X] [--resnet-crop N] [--resnet-smoothing X] [--resnet-unfreeze N] [--routes LIST] [--threads N] [--seed N]
// --routes: a comma list of scratch, sweep, pretrained, features, resnet (default all). --resnet-epochs: a factor on the
// epochs of the fine-tuned ResNet-18 (1: as many as the CNN's); --resnet-rate: the factor on its pretrained layers' rate;
// --resnet-crop, --resnet-smoothing, --resnet-unfreeze: its random crop padding, label smoothing and gradual unfreezing.

using System.Globalization;
using System.Text.Json;
using DeepOpt.Bench.Transfer;
using DeepOpt.Examples;
using Microsoft.ML;

var command = CommandLine.Parse(args, "[--data DIR] [--sizes 100,1000] [--pretrain-epochs N] [--trials N] [--resize N] [--resnet-epochs X] [--resnet-rate X] [--resnet-crop N] [--resnet-smoothing X] [--resnet-unfreeze N] [--routes LIST] [--threads N] [--seed N]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--sizes"] = "100,1000", ["--pretrain-epochs"] = "3", ["--trials"] = "6", ["--resize"] = "64", ["--resnet-epochs"] = "1", ["--resnet-rate"] = "0.3", ["--resnet-crop"] = "0", ["--resnet-smoothing"] = "0", ["--resnet-unfreeze"] = "0", ["--routes"] = "scratch,sweep,pretrained,features,resnet", ["--threads"] = "2", ["--seed"] = "1",
});
if (command == null)
{
    return 2;
}

int seed = command.Int("--seed");
int threads = command.Int("--threads");
var sizes = command.Text("--sizes")!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
string folder = FashionMnistData.Locate(command.Text("--data"));
var ml = new MLContext(seed: seed);
var task = new FewLabels(ml, FashionMnistData.Train(folder), FashionMnistData.Test(folder));
var cnn = new CnnRoutes(ml, task, threads, seed);
var recipe = new ResNetRecipe(command.Int("--resize"), command.Double("--resnet-epochs"), command.Double("--resnet-rate"), command.Int("--resnet-crop"),
    command.Double("--resnet-smoothing"), command.Int("--resnet-unfreeze"));
var resnet = new ResNetRoutes(ml, task, threads, seed, recipe);
Console.WriteLine($"Target: 5 classes, tested on {task.TestCount} images. Related task: the other 5 classes, {task.SourceCount} images. {threads} threads.");

var routes = command.Text("--routes")!.Split(',').ToHashSet();
DeepOpt.Trainers.DeepPredictionTransformer? pretrained = null;
if (routes.Contains("pretrained"))
{
    (pretrained, double pretrainSeconds) = cnn.Pretrain(command.Int("--pretrain-epochs"));
    Console.WriteLine($"Pretrained the seed CNN on the other 5 classes in {pretrainSeconds:F0} s ({command.Int("--pretrain-epochs")} epochs).");
}

var results = new List<RouteResult>();
foreach (int size in sizes)
{
    var labelled = task.Labelled(size, seed);
    var labelledRows = task.LabelledRows(size, seed);
    if (routes.Contains("scratch"))
    {
        results.Add(cnn.Scratch(labelled, size));
    }

    if (routes.Contains("sweep"))
    {
        results.Add(cnn.Sweep(labelled, size, command.Int("--trials")));
    }

    if (pretrained != null)
    {
        results.Add(cnn.FineTuned(labelled, size, pretrained));
    }

    if (routes.Contains("features"))
    {
        results.Add(resnet.FeaturesAndHead(labelledRows, size));
    }

    if (routes.Contains("resnet"))
    {
        results.Add(resnet.FineTuned(labelled, size));
    }

    Console.Out.Flush();
}

pretrained?.Dispose();
Console.WriteLine();
Console.WriteLine($"| route | labelled images | test accuracy | training time (s) | images/s |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var r in results)
{
    Console.WriteLine($"| {r.Route} | {r.Labelled:N0} | {r.Accuracy:P2} | {r.TrainSeconds:F1} | {r.ImagesPerSecond:F0} |");
}

foreach (var r in results)
{
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(r));
}

return 0;
