// Licensed under the MIT license. See LICENSE in the repository root.
// The .NET side of bench/text: on the same split of Debian's package descriptions, trains the DeepOpt LSTM (the model
// of torch_lstm.py) and ML.NET's own text classifier (FeaturizeText with word and character n-grams, then
// SdcaMaximumEntropy or LbfgsMaximumEntropy; see MlNetBaselines), and prints one line "RESULT {json}" for each with
// test accuracy, macro-F1, epoch times, the CPU time (user + sys) of the fit, batch inference throughput and the median
// single-row latency.
// Usage: dotnet TextBench.dll [--data DIR] [--epochs N] [--threads N] [--seed N] [--only deepopt|mlnet|sweep] [--options JSON] [--name NAME]
//   [--minutes M] [--parallel N] [--on-validation] [--save-scores FILE] [--trials FILE] [--seeds N]
//   --on-validation: train on the sweep's 85 % of the training split and score on its other 15 % instead of the test split
//   --only sweep: the best model of an M-minute sweep (SweepSide), N trials at a time of --threads threads each, then
//     the ensemble of its 5 best trials, each retrained
//   --only ensemble: that ensemble alone, from the trials' parameters in --trials (one JSON object per line, best first);
//     --seeds N makes N members of each trial, with seeds --seed, --seed + 1, ...
//   --save-scores: with --only deepopt, writes each test row's label key and Score to FILE (for ensembles made offline)
//   --options: LstmOptions properties that replace the issue-5 model's, as JSON (enums by name), for example
//   {"RecurrentLayers": 0, "WordNGramLength": 2, "MaxSequenceLength": 1024, "Pooling": "Mean"}

using System.Diagnostics;
using DeepOpt.AutoML;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

var command = CommandLine.Parse(args, "[--data DIR] [--epochs N] [--threads N] [--seed N] [--only deepopt|mlnet|sweep] [--options JSON] [--name NAME] [--minutes M] [--parallel N] [--on-validation] [--trials FILE] [--seeds N]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--epochs"] = "3", ["--threads"] = "2", ["--seed"] = "1", ["--only"] = "", ["--options"] = null, ["--name"] = "deepopt-lstm", ["--save-scores"] = null, ["--trials"] = null, ["--seeds"] = "1",
    ["--minutes"] = "30", ["--parallel"] = "1",
}, "--on-validation");
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
if (command.Flag("--on-validation"))
{
    // The sweep's own split (SweepSide): train on 85 % of the training split and score on the other 15 %.
    var split = ml.Data.TrainTestSplit(train, testFraction: 0.15, seed: seed);
    (train, test) = (split.TrainSet, split.TestSet);
}

if (only is "" or "deepopt")
{
    // The process's CPU time (user + sys) at the end of each epoch, read on the training thread as the epoch ends.
    var cpuAtEpochEnd = new List<double>();
    var options = BenchLstm.Options(epochs, seed, threads);
    if (command.Text("--options") is { } changes)
    {
        options = OptionsJson.Merge(options, changes);
    }

    var watch = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    using var model = ml.MulticlassClassification.Trainers.Lstm(options, new DeepFitContext { Progress = new EpochCpu(cpuAtEpochEnd) }).Fit(train);
    double fitSeconds = watch.Elapsed.TotalSeconds;
    double fitCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    var epochSeconds = model.History.Select(r => r.Seconds).ToList();
    var epochCpuSeconds = cpuAtEpochEnd.Zip(cpuAtEpochEnd.Skip(1), (a, b) => b - a).ToList();
    Report(command.Text("--name")!, model, fitSeconds, epochSeconds, fitCpuSeconds, epochCpuSeconds);
    if (command.Text("--save-scores") is { } scoresPath)
    {
        var scored = model.Transform(test);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var truth = scored.GetColumn<uint>("Label").ToArray();
        File.WriteAllLines(scoresPath, scores.Zip(truth, (s, t) => $"{t}\t{string.Join(' ', s.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}"));
    }
}

if (only is "" or "mlnet")
{
    MlNetBaselines.Run(ml, train, test, seed);
}

if (only is "ensemble")
{
    // The ensemble of a finished sweep's best trials, from their parameters (one JSON object per line of --trials,
    // as the sweep's log prints them, best first), each retrained on the whole training split.
    var lstm = ml.DeepOptAuto().Lstm(new LstmOptions { FeatureColumnName = "Text", Seed = seed, ThreadCount = threads });
    var trials = File.ReadLines(command.Text("--trials") ?? throw new ArgumentException("--only ensemble needs --trials FILE"))
        .Where(line => line.Trim().Length > 0)
        .Select((line, i) => new TrialSettings { TrialId = i, Parameter = Parameter.FromJson(line) })
        .ToList();
    SweepSide.RetrainEnsemble(ml, lstm, trials, train, test, threads, command.Int("--seeds"));
}

if (only is "sweep")
{
    await SweepSide.Run(ml, train, test, seed, command.Double("--minutes"), command.Int("--parallel"), threads);
}

return 0;

void Report(string name, ITransformer model, double fitSeconds, List<double> epochSeconds, double fitCpuSeconds, List<double> epochCpuSeconds) =>
    Evaluation.Report(ml, name, model, test, fitSeconds, new Dictionary<string, object>
    {
        ["fit_cpu_seconds"] = fitCpuSeconds,
        ["epoch_seconds"] = epochSeconds,
        ["epoch_cpu_seconds_from_2"] = epochCpuSeconds,
        ["seed"] = seed,
        ["threads"] = threads,
        ["epochs"] = epochs,
        ["options"] = command.Text("--options") ?? "",
    });

