// Licensed under the MIT license. See LICENSE in the repository root.
// The DeepOpt side of bench/sweep/run.sh. Two modes, each printing one JSON line per measurement:
//   --mode target: one sweep of random search over the CNN space (epochs fixed), with ASHA pruning or without, until
//                  an epoch first reaches --target validation accuracy; prints the wall time it took.
//   --mode hour:   a cost-frugal sweep with ASHA for --minutes, then the best configuration retrained on all 60,000
//                  training images and tested on the 10,000 test images.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeepOpt.AutoML;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;

var a = new Dictionary<string, string>
{
    ["--mode"] = "target", ["--pruning"] = "asha", ["--seed"] = "1", ["--target"] = "0.87", ["--train-rows"] = "10000",
    ["--epochs"] = "9", ["--max-trials"] = "40", ["--minutes"] = "60", ["--threads"] = "2",
};
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (!a.ContainsKey(args[i]) && args[i] != "--data")
    {
        Console.Error.WriteLine($"Unknown option {args[i]}; known: {string.Join(' ', a.Keys)} --data");
        return 2;
    }

    a[args[i]] = args[i + 1];
}

string folder = FashionMnistData.Locate(a.GetValueOrDefault("--data"));
int seed = int.Parse(a["--seed"], CultureInfo.InvariantCulture);
int threads = int.Parse(a["--threads"], CultureInfo.InvariantCulture);
var all = FashionMnistData.Train(folder);
var ml = new MLContext(seed: seed);
int trainRows = Math.Min(int.Parse(a["--train-rows"], CultureInfo.InvariantCulture), all.Count - 10_000);
var train = ml.Data.LoadFromEnumerable(all.Take(trainRows));
var validation = ml.Data.LoadFromEnumerable(all.Skip(all.Count - 10_000));
var featurizer = ml.Transforms.Conversion.MapValueToKey("Label");
var clock = Stopwatch.StartNew();

if (a["--mode"] == "target")
{
    double target = double.Parse(a["--target"], CultureInfo.InvariantCulture);
    int epochs = int.Parse(a["--epochs"], CultureInfo.InvariantCulture);
    bool pruning = a["--pruning"] != "none";
    using var reached = new CancellationTokenSource();
    double? secondsToTarget = null;
    int trialAtTarget = -1;
    int epochsRun = 0;
    var baseOptions = new CnnOptions
    {
        FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads,
        Progress = new Inline(report =>
        {
            epochsRun++;
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
        .SetPipeline(featurizer, ml.DeepOptAuto().Cnn(baseOptions, space))
        .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
        .SetRandomSearchTuner()
        .SetMaxTrials(int.Parse(a["--max-trials"], CultureInfo.InvariantCulture))
        .SetMonitor(new TrialLines(Console.Error));
    if (pruning)
    {
        experiment.SetPruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3));
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
        mode = "target", side = pruning ? "asha" : "full", seed, target, epochs, train_rows = trainRows,
        seconds_to_target = secondsToTarget, trials = experiment.Trials.Count, trial_at_target = secondsToTarget == null ? -1 : trialAtTarget,
        pruned = experiment.Trials.Count(t => t.IsPruned), epochs_run = epochsRun, seconds = clock.Elapsed.TotalSeconds,
    }));
    return 0;
}

var hourExperiment = ml.DeepOptAuto().CreateExperiment()
    .SetDataset(train, validation)
    .SetPipeline(featurizer, ml.DeepOptAuto().Cnn(new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads }))
    .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
    .SetCostFrugalTuner()
    .SetPruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3))
    .SetTrainingTimeInSeconds(double.Parse(a["--minutes"], CultureInfo.InvariantCulture) * 60)
    .SetMonitor(new TrialLines(Console.Error));
var best = await hourExperiment.RunAsync();
double sweepSeconds = clock.Elapsed.TotalSeconds;
var options = (CnnOptions)ml.DeepOptAuto().Cnn(new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads })
    .CreateOptions(best.TrialSettings.Parameter);
options.Seed = seed;
var model = featurizer.Append(ml.MulticlassClassification.Trainers.Cnn(options)).Fit(ml.Data.LoadFromEnumerable(all));
var test = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(FashionMnistData.Test(folder))));
Console.WriteLine(JsonSerializer.Serialize(new
{
    mode = "hour", seed, train_rows = trainRows, sweep_seconds = sweepSeconds, trials = hourExperiment.Trials.Count,
    pruned = hourExperiment.Trials.Count(t => t.IsPruned), best_validation = best.Metric,
    best = TrialLines.Describe(best.TrialSettings.Parameter), retrain_seconds = clock.Elapsed.TotalSeconds - sweepSeconds,
    test_accuracy = test.MicroAccuracy,
}));
return 0;

/// <summary>Calls a function on each epoch, on the training thread (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class Inline(Action<EpochReport> action) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => action(value);
}
