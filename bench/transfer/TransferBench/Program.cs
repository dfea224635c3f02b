// Licensed under the MIT license. See LICENSE in the repository root.
// The transfer-learning bench of issue 19 on Fashion-MNIST from Debian's package: the five target classes learnt from
// 100 and from 1,000 labelled images (balanced, fixed seed), tested on the 5,000 test images of those classes, by each
// route; the other five classes, all 30,000 of their images, are the related task a model may be pretrained on.
// Prints a table and one line "RESULT {json}" per route and size.
// Usage: dotnet TransferBench.dll [--data DIR] [--sizes 100,1000] [--pretrain-epochs N] [--trials N] [--threads N] [--seed N]

using System.Globalization;
using System.Text.Json;
using DeepOpt.Bench.Transfer;
using DeepOpt.Examples;
using Microsoft.ML;

var command = CommandLine.Parse(args, "[--data DIR] [--sizes 100,1000] [--pretrain-epochs N] [--trials N] [--threads N] [--seed N]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--sizes"] = "100,1000", ["--pretrain-epochs"] = "3", ["--trials"] = "6", ["--threads"] = "2", ["--seed"] = "1",
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
Console.WriteLine($"Target: 5 classes, tested on {task.TestCount} images. Related task: the other 5 classes, {task.SourceCount} images. {threads} threads.");

var (pretrained, pretrainSeconds) = cnn.Pretrain(command.Int("--pretrain-epochs"));
Console.WriteLine($"Pretrained the seed CNN on the other 5 classes in {pretrainSeconds:F0} s ({command.Int("--pretrain-epochs")} epochs, accuracy on its own task not measured).");

var results = new List<RouteResult>();
foreach (int size in sizes)
{
    var labelled = task.Labelled(size, seed);
    results.Add(cnn.Scratch(labelled, size));
    results.Add(cnn.Sweep(labelled, size, command.Int("--trials")));
    results.Add(cnn.FineTuned(labelled, size, pretrained));
}

pretrained.Dispose();
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
