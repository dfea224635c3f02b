// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.Json;
using DeepOpt.AutoML;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.Examples;
using DeepOpt.Reports;
using DeepOpt.Reports.Sweep;
using DeepOpt.Trainers;
using Microsoft.ML;

/// <summary>
/// SweepBench --mode pareto (issue 21): validation accuracy against single-image latency over the CNN space, then each
/// front trial's model on the test images. Prints one JSON line per front trial and one for the sweep.
/// </summary>
internal static class ParetoSweep
{
    public static async Task<int> RunAsync(
        MLContext ml, IDataView train, IDataView validation, IEstimator<ITransformer> featurizer, IReadOnlyList<FashionImage> testImages,
        int threads, double minutes, string? reportPath, int seed)
    {
        var clock = Stopwatch.StartNew();
        var objectives = new ObjectiveSet([Objective.Maximize("MicroAccuracy"), Objective.Minimize(TrialMeasures.LatencyInMilliseconds)]);
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Cnn(new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = threads }))
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
            .SetObjectives(objectives.Objectives)
            .SetTrainingTimeInSeconds(minutes * 60)
            .SetMonitor(new TrialLines(Console.Error, objectives));
        var front = await experiment.RunParetoAsync(withModels: true);
        double sweepSeconds = clock.Elapsed.TotalSeconds;
        if (reportPath != null)
        {
            SweepReport.Save(experiment.Trials, reportPath, new SweepReportOptions
            {
                Title = $"CNN sweep on Fashion-MNIST, accuracy against latency ({minutes} minutes)", MetricName = "validation accuracy", Objectives = objectives,
            });
        }

        var test = ml.Data.LoadFromEnumerable(testImages);
        foreach (var trial in front.OrderBy(t => t.Metrics[TrialMeasures.LatencyInMilliseconds]))
        {
            var accuracy = ml.MulticlassClassification.Evaluate(trial.Model!.Transform(test)).MicroAccuracy;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                mode = "pareto", trial = trial.TrialSettings.TrialId, validation_accuracy = trial.Metrics["MicroAccuracy"],
                latency_ms = trial.Metrics[TrialMeasures.LatencyInMilliseconds], parameters = trial.Metrics[TrialMeasures.ParameterCount],
                test_accuracy = accuracy, configuration = TrialLines.Describe(trial.TrialSettings.Parameter),
            }));
            (trial.Model as IDisposable)?.Dispose();
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "pareto", seed, minutes, sweep_seconds = sweepSeconds, trials = experiment.Trials.Count,
            completed = experiment.Trials.Count(t => t.State == DeepOpt.AutoML.Experiment.TrialState.Completed), front = front.Count,
            seconds = clock.Elapsed.TotalSeconds,
        }));
        return 0;
    }
}
