// Licensed under the MIT license. See LICENSE in the repository root.
// Sweeps the CNN on Fashion-MNIST (Debian's dataset-fashion-mnist) with pruning: trials train on a subset of the
// training images and are scored on 10,000 held-out training images; the best configuration is then tested on the
// test set, after retraining on all 60,000 training images with --retrain.
// The sweep shows a live table of trials (plain lines when output is redirected), keeps its trials in a SQLite file
// (run the same command again to resume) and writes an HTML report.
// Usage: dotnet run -c Release --project examples/FashionMnistSweep -- [--data DIR] [--trials N] [--minutes M]
//        [--train-rows N] [--tuner bayes|cfo|random] [--pruner asha|median|hyperband|none] [--threads N]
//        [--storage sweep.db] [--report sweep-report.html] [--retrain]

using DeepOpt.AutoML;
using DeepOpt.AutoML.Pruners;
using DeepOpt.Examples;
using DeepOpt.Reports;
using DeepOpt.Reports.Live;
using DeepOpt.Reports.Sweep;
using DeepOpt.Trainers;
using Microsoft.ML;

var settings = CommandLine.Parse(
    args,
    "[--data DIR] [--trials N] [--minutes M] [--train-rows N] [--tuner bayes|cfo|random] [--pruner asha|median|hyperband|none] [--threads N] [--storage FILE] [--report FILE] [--retrain]",
    new Dictionary<string, string?>
    {
        ["--data"] = null, ["--trials"] = "12", ["--minutes"] = "20", ["--train-rows"] = "10000", ["--tuner"] = "bayes",
        ["--pruner"] = "asha", ["--threads"] = null, ["--storage"] = "fashion-sweep.db", ["--report"] = "fashion-sweep-report.html",
    },
    "--retrain");
if (settings == null)
{
    return 2;
}

bool retrain = settings.Flag("--retrain");

string folder;
try
{
    folder = FashionMnistData.Locate(settings.Text("--data"));
}
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

var ml = new MLContext(seed: 1);
var all = FashionMnistData.Train(folder);
int trainRows = Math.Min(settings.Int("--train-rows"), all.Count - 10_000);
var sweepTrain = ml.Data.LoadFromEnumerable(all.Take(trainRows));
var validation = ml.Data.LoadFromEnumerable(all.Skip(all.Count - 10_000));
var test = ml.Data.LoadFromEnumerable(FashionMnistData.Test(folder));
int? threads = settings.OptionalInt("--threads");
Console.WriteLine($"Sweeping on {trainRows} training images, scoring on 10000 held-out ones; test set {FashionMnistData.Test(folder).Count}.");

var baseOptions = new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, Channels = 1, ThreadCount = threads };
var cnn = ml.DeepOptAuto().Cnn(baseOptions);
using var experiment = ml.DeepOptAuto().CreateExperiment()
    .SetDataset(sweepTrain, validation)
    .SetPipeline(ml.Transforms.Conversion.MapValueToKey("Label"), cnn)
    .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
    .SetMaxTrials(settings.Int("--trials"))
    .SetTrainingTimeInSeconds(settings.Double("--minutes") * 60)
    .SetStorage(settings.Text("--storage")!);
_ = settings.Text("--tuner") switch
{
    "cfo" => experiment.SetCostFrugalTuner(),
    "random" => experiment.SetRandomSearchTuner(),
    _ => experiment.SetBayesianTuner(),
};
IPruner? pruner = settings.Text("--pruner") switch
{
    "asha" => new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3),
    "median" => new MedianPruner(startupTrials: 3, warmupSteps: 1),
    "hyperband" => new HyperbandPruner(maxResource: 30),
    _ => null,
};
if (pruner != null)
{
    experiment.SetPruner(pruner);
}

var best = await LiveSweep.RunAsync(monitor => experiment.SetMonitor(monitor).RunAsync());
SweepReport.Save(experiment.Trials, settings.Text("--report")!, new SweepReportOptions { Title = "CNN sweep on Fashion-MNIST", MetricName = "validation accuracy" });
Console.WriteLine($"Report: {Path.GetFullPath(settings.Text("--report")!)}; trials kept in {Path.GetFullPath(settings.Text("--storage")!)}.");
int pruned = experiment.Trials.Count(r => r.IsPruned);
int failed = experiment.Trials.Count(r => r.IsFailed);
Console.WriteLine($"{experiment.Trials.Count} trials ({pruned} pruned, {failed} failed). Best: trial {best.TrialSettings.TrialId}, "
    + $"validation accuracy {best.Metric:P2}");
Console.WriteLine($"Best configuration: {TrialLines.Describe(best.TrialSettings.Parameter)}");
var onTest = ml.MulticlassClassification.Evaluate(best.Model!.Transform(test));
Console.WriteLine($"Test accuracy of the best trial's model (trained on {trainRows} images): {onTest.MicroAccuracy:P2}");

if (retrain)
{
    var options = (CnnOptions)cnn.CreateOptions(best.TrialSettings.Parameter);
    var progress = new Progress<EpochReport>(r => Console.WriteLine($"  retrain epoch {r.Epoch}/{r.TotalEpochs} loss {r.TrainLoss:F4} {r.Seconds:F1} s"));
    var model = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.MulticlassClassification.Trainers.Cnn(options, new DeepFitContext { Progress = progress }))
        .Fit(ml.Data.LoadFromEnumerable(all));
    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
    Console.WriteLine($"Test accuracy after retraining on all {all.Count} training images: {metrics.MicroAccuracy:P2}");
}

return 0;
