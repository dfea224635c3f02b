// Licensed under the MIT license. See LICENSE in the repository root.
// The DeepOpt side of bench/sweep/run.sh. Two modes, each printing one JSON line per measurement:
//   --mode target: one sweep over the CNN space (epochs fixed) until an epoch first reaches --target validation accuracy;
//                  prints the wall time it took. With pruning (--pruner, default ASHA) the sweep uses --tuner (default
//                  random search); without (--pruning off) it is always full-budget random search.
//   --mode hour:   a Bayesian (or cost-frugal) sweep with ASHA for --minutes, then the best configuration retrained on all 60,000
//                  training images and tested on the 10,000 test images.
//   --mode pareto: a multi-objective sweep for --minutes of validation accuracy against single-image latency (the default
//                  multi-objective Bayesian tuner, no pruner: the latency is measured when a trial ends), then each front
//                  trial's model (refitted as its trial fitted it) tested on the 10,000 test images.
//   --mode warm-start: time and trials to a target with and without a warm start from a short sweep on a related
//                  subset (WarmStartBench.cs, with its own options and defaults).

using System.Diagnostics;
using System.Text.Json;
using DeepOpt.AutoML;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Examples;
using DeepOpt.Reports;
using DeepOpt.Reports.Sweep;
using DeepOpt.Trainers;
using Microsoft.ML;

int modeAt = Array.IndexOf(args, "--mode");
if (modeAt >= 0 && modeAt + 1 < args.Length && args[modeAt + 1] == "warm-start")
{
    return await WarmStartBench.RunAsync(args);
}

var command = CommandLine.Parse(
    args,
    "[--mode target|hour|pareto|warm-start] [--pruning on|off] [--pruner asha|hyperband|median] [--seed N] [--target ACC] [--train-rows N] "
        + "[--validation-rows N] [--epochs N] [--max-trials N] [--minutes M] [--tuner random|bayes|cfo] [--threads N] [--data DIR] [--report FILE]",
    new Dictionary<string, string?>
    {
        ["--mode"] = "target", ["--pruning"] = "on", ["--seed"] = "1", ["--target"] = "0.87", ["--train-rows"] = "10000",
        ["--validation-rows"] = "10000", ["--epochs"] = "9", ["--max-trials"] = "40", ["--minutes"] = "60",
        ["--tuner"] = null, ["--pruner"] = "asha", ["--threads"] = "2", ["--data"] = null, ["--report"] = null,
    });
if (command == null)
{
    return 2;
}

string folder = FashionMnistData.Locate(command.Text("--data"));
int seed = command.Int("--seed");
int threads = command.Int("--threads");
var all = FashionMnistData.Train(folder);
var ml = new MLContext(seed: seed);

// Validation rows come from the end of the training file, sweep rows from its start; they never overlap.
int validationRows = Math.Min(command.Int("--validation-rows"), all.Count / 2);
int trainRows = Math.Min(command.Int("--train-rows"), all.Count - validationRows);
var train = ml.Data.LoadFromEnumerable(all.Take(trainRows));
var validation = ml.Data.LoadFromEnumerable(all.Skip(all.Count - validationRows));
var featurizer = ml.Transforms.Conversion.MapValueToKey("Label");
var clock = Stopwatch.StartNew();

if (command.Text("--mode") == "target")
{
    double target = command.Double("--target");
    int epochs = command.Int("--epochs");
    bool pruning = command.Text("--pruning") != "off";
    string tunerName = pruning ? command.Text("--tuner") ?? "random" : "random";
    string prunerName = command.Text("--pruner")!;
    using var reached = new CancellationTokenSource();
    double? secondsToTarget = null;
    int trialAtTarget = -1;
    int epochsRun = 0;
    var bestOfTrial = new List<double>(); // the best validation accuracy of each trial, in trial order
    var baseOptions = new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads };
    var everyEpoch = new DeepFitContext
    {
        Progress = new Inline(report =>
        {
            epochsRun++;
            if (report.Epoch == 1)
            {
                bestOfTrial.Add(0);
            }

            bestOfTrial[^1] = Math.Max(bestOfTrial[^1], report.ValidationMetric ?? 0);
            if (secondsToTarget == null && report.ValidationMetric >= target)
            {
                secondsToTarget = clock.Elapsed.TotalSeconds;
                reached.Cancel();
            }
        }),
    };
    var space = new SearchSpace<CnnSearchSpace> { ["Epochs"] = new ChoiceOption(epochs) };
    var experiment = ml.DeepOptAuto().CreateExperiment()
        .SetDataset(train, validation)
        .SetPipeline(featurizer, ml.DeepOptAuto().Cnn(baseOptions, space, everyEpoch))
        .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
        .SetMaxTrials(command.Int("--max-trials"))
        .SetMonitor(new TrialLines(Console.Error));
    SetTuner(experiment, tunerName);
    if (pruning)
    {
        experiment.SetPruner(prunerName switch
        {
            "hyperband" => new HyperbandPruner(maxResource: epochs, minResource: 1, reductionFactor: 3),
            "median" => new MedianPruner(startupTrials: 5, warmupSteps: 1),
            "asha" => new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3),
            _ => throw new ArgumentException($"Unknown pruner '{prunerName}': pass --pruner asha, hyperband or median."),
        });
    }

    try
    {
        await experiment.RunAsync(reached.Token);
    }
    catch (OperationCanceledException) when (reached.IsCancellationRequested)
    {
        // The target was reached during the first trial.
    }

    trialAtTarget = experiment.Trials.Count - 1;
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        mode = "target", side = pruning ? "pruned" : "full", tuner = tunerName, pruner = pruning ? prunerName : "none", seed, target, epochs, train_rows = trainRows, validation_rows = validationRows,
        seconds_to_target = secondsToTarget, trials = experiment.Trials.Count, trial_at_target = secondsToTarget == null ? -1 : trialAtTarget,
        pruned = experiment.Trials.Count(t => t.IsPruned), epochs_run = epochsRun, seconds = clock.Elapsed.TotalSeconds,
        best_of_trial = bestOfTrial.Select(b => Math.Round(b, 4)),
    }));
    return 0;
}

if (command.Text("--mode") == "pareto")
{
    return await ParetoSweep.RunAsync(ml, train, validation, featurizer, FashionMnistData.Test(folder), threads, command.Double("--minutes"), command.Text("--report"), seed);
}

var hourExperiment = ml.DeepOptAuto().CreateExperiment()
    .SetDataset(train, validation)
    .SetPipeline(featurizer, ml.DeepOptAuto().Cnn(new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads }))
    .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
    .SetPruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3))
    .SetTrainingTimeInSeconds(command.Double("--minutes") * 60)
    .SetMonitor(new TrialLines(Console.Error));
string tuner = command.Text("--tuner") ?? "bayes";
SetTuner(hourExperiment, tuner);
var best = await hourExperiment.RunAsync();
double sweepSeconds = clock.Elapsed.TotalSeconds;
if (command.Text("--report") is { } report)
{
    SweepReport.Save(hourExperiment.Trials, report, new SweepReportOptions { Title = $"CNN sweep on Fashion-MNIST ({command.Text("--minutes")} minutes)", MetricName = "validation accuracy" });
}

var options = (CnnOptions)ml.DeepOptAuto().Cnn(new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads })
    .CreateOptions(best.TrialSettings.Parameter);
options.Seed = seed;
var model = featurizer.Append(ml.MulticlassClassification.Trainers.Cnn(options)).Fit(ml.Data.LoadFromEnumerable(all));
var test = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(FashionMnistData.Test(folder))));
Console.WriteLine(JsonSerializer.Serialize(new
{
    mode = "hour", seed, tuner, train_rows = trainRows, validation_rows = validationRows, sweep_seconds = sweepSeconds, trials = hourExperiment.Trials.Count,
    pruned = hourExperiment.Trials.Count(t => t.IsPruned), best_validation = best.Metric,
    best = TrialLines.Describe(best.TrialSettings.Parameter), retrain_seconds = clock.Elapsed.TotalSeconds - sweepSeconds,
    test_accuracy = test.MicroAccuracy,
}));
return 0;

static void SetTuner(DeepOptExperiment experiment, string name)
{
    _ = name switch
    {
        "random" => experiment.SetRandomSearchTuner(),
        "cfo" => experiment.SetCostFrugalTuner(),
        "bayes" => experiment.SetBayesianTuner(),
        _ => throw new ArgumentException($"Unknown tuner '{name}': pass --tuner random, bayes or cfo."),
    };
}

/// <summary>Calls a function on each epoch, on the training thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class Inline(Action<EpochReport> action) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => action(value);
}
