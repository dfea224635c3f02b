// Licensed under the MIT license. See LICENSE in the repository root.
// The .NET side of bench/text: on the same split of Debian's package descriptions, trains the DeepOpt LSTM (the model
// of torch_lstm.py) and ML.NET's own text classifier (FeaturizeText + SdcaMaximumEntropy), and prints one line
// "RESULT {json}" for each with test accuracy, macro-F1, epoch times, the CPU time (user + sys) of the fit and batch
// inference throughput.
// Usage: dotnet TextBench.dll [--data DIR] [--epochs N] [--threads N] [--seed N] [--only deepopt|mlnet]

using System.Diagnostics;
using System.Text.Json;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

var command = CommandLine.Parse(args, "[--data DIR] [--epochs N] [--threads N] [--seed N] [--only deepopt|mlnet]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--epochs"] = "3", ["--threads"] = "2", ["--seed"] = "1", ["--only"] = "",
});
if (command == null)
{
    return 2;
}

int epochs = command.Int("--epochs");
int threads = command.Int("--threads");
int seed = command.Int("--seed");
string only = command.Text("--only")!;
string folder = DebianDescriptions.Locate(command.Text("--data"));
var ml = new MLContext(seed: seed);

// Read once into memory, so neither side pays for parsing the file.
var train = ml.Data.Cache(DebianDescriptions.Load(ml, folder, DebianDescriptions.TrainFile));
var test = ml.Data.Cache(DebianDescriptions.Load(ml, folder, DebianDescriptions.TestFile));
var labels = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
train = labels.Transform(train);
test = labels.Transform(test);
int testRows = test.GetColumn<uint>("Label").Count();

if (only is "" or "deepopt")
{
    // The process's CPU time (user + sys) at the end of each epoch, read on the training thread as the epoch ends.
    var cpuAtEpochEnd = new List<double>();
    var options = new LstmOptions
    {
        FeatureColumnName = "Text", MaxSequenceLength = 96, MaxVocabularySize = 20000, MinFrequency = 2, EmbeddingSize = 64, HiddenSize = 64,
        Bidirectional = true, Pooling = SequencePoolingKind.Max, Dropout = 0.3, LearningRate = 2e-3, BatchSize = 32, Epochs = epochs,
        GradientClipNorm = 5, Seed = seed, ThreadCount = threads,
    };
    var watch = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    using var model = ml.MulticlassClassification.Trainers.Lstm(options, new DeepFitContext { Progress = new EpochCpu(cpuAtEpochEnd) }).Fit(train);
    double fitSeconds = watch.Elapsed.TotalSeconds;
    double fitCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    var epochSeconds = model.History.Select(r => r.Seconds).ToList();
    var epochCpuSeconds = cpuAtEpochEnd.Zip(cpuAtEpochEnd.Skip(1), (a, b) => b - a).ToList();
    Report("deepopt-lstm", model, fitSeconds, epochSeconds, fitCpuSeconds, epochCpuSeconds);
}

if (only is "" or "mlnet")
{
    var watch = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var model = ml.Transforms.Text.FeaturizeText("Features", "Text")
        .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
        .Fit(train);
    Report("mlnet-sdca", model, watch.Elapsed.TotalSeconds, new List<double>(), (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, new List<double>());
}

return 0;

void Report(string name, ITransformer model, double fitSeconds, List<double> epochSeconds, double fitCpuSeconds, List<double> epochCpuSeconds)
{
    var watch = Stopwatch.StartNew();
    var scored = model.Transform(test);
    var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
    double inferenceSeconds = watch.Elapsed.TotalSeconds;
    var actual = test.GetColumn<uint>("Label").ToArray();
    var result = new Dictionary<string, object>
    {
        ["name"] = name,
        ["accuracy"] = actual.Zip(predicted).Count(p => p.First == p.Second) / (double)actual.Length,
        ["macro_f1"] = MacroF1(actual, predicted),
        ["fit_seconds"] = fitSeconds,
        ["fit_cpu_seconds"] = fitCpuSeconds,
        ["epoch_seconds"] = epochSeconds,
        ["epoch_cpu_seconds_from_2"] = epochCpuSeconds,
        ["inference_rows_per_second"] = testRows / inferenceSeconds,
        ["test_rows"] = testRows,
        ["seed"] = seed,
        ["threads"] = threads,
        ["epochs"] = epochs,
    };
    Console.WriteLine($"RESULT {JsonSerializer.Serialize(result)}");
}

static double MacroF1(uint[] actual, uint[] predicted)
{
    var classes = actual.Distinct().ToList();
    double sum = 0;
    foreach (var c in classes)
    {
        int truePositive = actual.Zip(predicted).Count(p => p.First == c && p.Second == c);
        int predictedPositive = predicted.Count(p => p == c);
        int actualPositive = actual.Count(a => a == c);
        double precision = predictedPositive == 0 ? 0 : truePositive / (double)predictedPositive;
        double recall = truePositive / (double)actualPositive;
        sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    return sum / classes.Count;
}

/// <summary>Records the process's CPU time when each epoch ends; called synchronously on the training thread.</summary>
sealed class EpochCpu(List<double> cpuAtEpochEnd) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => cpuAtEpochEnd.Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
}
