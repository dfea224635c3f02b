// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeepOpt.AutoML;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;
using DeepOpt.Trainers;
using Microsoft.ML;

/// <summary>
/// The DeepOpt side of issue 20: a time-boxed sweep of the default LSTM search space (Bayesian tuner, successive-halving
/// pruning) on 85 % of the training split, scored on the other 15 %; the best trial's options are then retrained on the
/// whole training split and tested, like ML.NET's baselines, which train on the whole split.
/// </summary>
internal static class SweepSide
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    public static async Task Run(MLContext ml, IDataView train, IDataView test, int seed, double minutes, int parallel, int threads)
    {
        var split = ml.Data.TrainTestSplit(train, testFraction: 0.15, seed: seed);
        var baseOptions = new LstmOptions { FeatureColumnName = "Text", Seed = seed, ThreadCount = threads };
        var lstm = ml.DeepOptAuto().Lstm(baseOptions);
        var monitor = new PrintingMonitor();
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(split.TrainSet, split.TestSet)
            .SetPipeline(lstm)
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
            .SetBayesianTuner()
            .SetPruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3))
            .SetTrainingTimeInSeconds(minutes * 60)
            .SetParallelTrials(parallel)
            .SetMonitor(monitor);
        var sweep = Stopwatch.StartNew();
        var best = await experiment.RunAsync();
        double sweepSeconds = sweep.Elapsed.TotalSeconds;
        (best.Model as IDisposable)?.Dispose();

        var options = (LstmOptions)lstm.CreateOptions(best.TrialSettings.Parameter);
        options.ThreadCount = Math.Max(threads, parallel * threads);
        var watch = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.Lstm(options).Fit(train);
        Evaluation.Report(ml, "deepopt-sweep-best", model, test, watch.Elapsed.TotalSeconds, new Dictionary<string, object>
        {
            ["seed"] = seed,
            ["sweep_minutes"] = minutes,
            ["sweep_seconds"] = sweepSeconds,
            ["trials"] = experiment.Trials.Count,
            ["pruned"] = experiment.Trials.Count(t => t.IsPruned),
            ["failed"] = experiment.Trials.Count(t => t.IsFailed),
            ["best_trial"] = best.TrialSettings.TrialId,
            ["best_validation_accuracy"] = best.Metric,
            ["best_options"] = JsonSerializer.Serialize(options, s_json),
        });

        // The best trial with SeedsOfBest seeds averaged (what CreateEnsembleAsync(1, seedsPerTrial: SeedsOfBest) makes),
        // then the ensemble of the best trials (CreateEnsembleAsync's ranking: loss, ties to the earlier), each retrained
        // on the whole training split as the best was.
        RetrainEnsemble(ml, lstm, [best.TrialSettings], train, test, options.ThreadCount.Value, SeedsOfBest);
        var top = experiment.Trials.Select((trial, order) => (trial, order))
            .Where(t => t.trial.State == TrialState.Completed && double.IsFinite(t.trial.Loss))
            .OrderBy(t => t.trial.Loss).ThenBy(t => t.order)
            .Take(EnsembleSize)
            .Select(t => t.trial.TrialSettings)
            .ToList();
        RetrainEnsemble(ml, lstm, top, train, test, options.ThreadCount.Value);
    }

    /// <summary>How many of the sweep's best trials the ensemble averages.</summary>
    public const int EnsembleSize = 5;

    /// <summary>How many seeds of the best trial its seed ensemble averages.</summary>
    public const int SeedsOfBest = 5;

    /// <summary>
    /// Retrains each trial's options on the whole training split, averages the models with ml.Model.CreateEnsemble and
    /// reports the ensemble. Also run on its own (TextBench --only ensemble) with trials copied from a sweep's log.
    /// </summary>
    /// <param name="seeds">Members per trial: the trial's options with seeds seed, seed + 1, ... (1: the trial's own).</param>
    public static void RetrainEnsemble(MLContext ml, SweepableTrainer lstm, IReadOnlyList<TrialSettings> trials, IDataView train, IDataView test, int threads, int seeds = 1)
    {
        var watch = Stopwatch.StartNew();
        var members = trials.SelectMany(t => Enumerable.Range(0, seeds).Select(offset =>
        {
            var memberOptions = (LstmOptions)lstm.CreateOptions(t.Parameter);
            memberOptions.ThreadCount = threads;
            memberOptions.Seed += offset;
            return (ITransformer)ml.MulticlassClassification.Trainers.Lstm(memberOptions).Fit(train);
        })).ToList();
        double fitSeconds = watch.Elapsed.TotalSeconds;
        using var ensemble = ml.Model.CreateEnsemble(members, train.Schema);
        Evaluation.Report(ml, seeds == 1 ? $"deepopt-sweep-ensemble-{members.Count}" : $"deepopt-sweep-seeds-{members.Count}", ensemble, test, fitSeconds, new Dictionary<string, object>
        {
            ["trials"] = trials.Select(t => t.TrialId).ToList(),
            ["members"] = members.Count,
            ["seeds_per_trial"] = seeds,
        });
        foreach (var (member, i) in members.Select((m, i) => (m, i)))
        {
            Evaluation.Report(ml, seeds == 1 ? $"deepopt-sweep-member-{i}" : $"deepopt-sweep-seed-member-{i}", member, test, 0, new Dictionary<string, object> { ["trial"] = trials[i / seeds].TrialId, ["seed_offset"] = i % seeds });
        }
    }

    /// <summary>Prints one line per finished trial to standard error, so a long sweep shows where it is.</summary>
    private sealed class PrintingMonitor : IMonitor
    {
        public void ReportRunningTrial(TrialSettings settings) =>
            Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] trial {settings.TrialId} starts: {settings.Parameter}");

        public void ReportCompletedTrial(TrialResult result) => Print("completed", result);

        public void ReportBestTrial(TrialResult result) => Print("best so far", result);

        public void ReportPrunedTrial(TrialResult result) => Print("pruned", result);

        public void ReportFailTrial(TrialResult result, Exception? exception = null) => Print($"failed ({result.ErrorMessage})", result);

        private static void Print(string what, TrialResult result) =>
            Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] trial {result.TrialSettings.TrialId} {what}: metric {result.Metric:F4}, {result.DurationInMilliseconds / 1000:F0} s, {result.TrialSettings.Parameter}");
    }
}
