// Licensed under the MIT license. See LICENSE in the repository root.
// --mode warm-start of SweepBench: the wall time (and the trials) to a target validation accuracy of a CNN sweep, with
// and without a warm start from a short sweep on a related subset (other rows of the training file, half as many by
// default), stored in a SQLite file. The earlier sweep runs once; then each round runs the measured sweep cold and
// warm with the round's seed, in an order reversed every other round. Prints one JSON line per sweep and the medians.

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeepOpt.AutoML;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;

internal static class WarmStartBench
{
    private const string SourceSweep = "subset";

    public static async Task<int> RunAsync(string[] args)
    {
        var command = CommandLine.Parse(
            args,
            "--mode warm-start [--rounds N] [--first-seed S] [--target ACC] [--train-rows N] [--validation-rows N] [--warm-rows N] "
                + "[--warm-trials N] [--epochs N] [--max-trials N] [--tuner bayes|cfo|random] [--threads N] [--data DIR] [--store FILE]",
            new Dictionary<string, string?>
            {
                ["--mode"] = "warm-start", ["--rounds"] = "3", ["--first-seed"] = "1", ["--target"] = "0.75", ["--train-rows"] = "2000",
                ["--validation-rows"] = "1000", ["--warm-rows"] = null, ["--warm-trials"] = "10", ["--epochs"] = "3",
                ["--max-trials"] = "12", ["--tuner"] = "bayes", ["--threads"] = "1", ["--data"] = null, ["--store"] = null,
            });
        if (command == null)
        {
            return 2;
        }

        var all = FashionMnistData.Train(FashionMnistData.Locate(command.Text("--data")));
        int trainRows = command.Int("--train-rows");
        int warmRows = command.OptionalInt("--warm-rows") ?? trainRows / 2;
        int validationRows = command.Int("--validation-rows");
        if (trainRows + warmRows + (2 * validationRows) > all.Count)
        {
            throw new ArgumentException($"--train-rows, --warm-rows and twice --validation-rows must fit in the {all.Count} training images.");
        }

        // Disjoint rows: the measured sweep trains on the first rows and validates on the last ones; the earlier sweep
        // trains on the rows after the measured ones and validates on the rows before the measured validation rows.
        var setup = new Setup(
            Measured: (all.Take(trainRows).ToList(), all.Skip(all.Count - validationRows).ToList()),
            Earlier: (all.Skip(trainRows).Take(warmRows).ToList(), all.Skip(all.Count - (2 * validationRows)).Take(validationRows).ToList()),
            Epochs: command.Int("--epochs"), Threads: command.Int("--threads"), Tuner: command.Text("--tuner")!,
            Store: command.Text("--store") ?? Path.Combine(Path.GetTempPath(), $"sweep-warm-start-{Guid.NewGuid():N}.db"));
        double target = command.Double("--target");
        int maxTrials = command.Int("--max-trials");

        var clock = Stopwatch.StartNew();
        using (var earlier = Experiment(setup, setup.Earlier, 1000, context: null).SetStorage(setup.Store).SetSweepName(SourceSweep)
            .SetMaxTrials(command.Int("--warm-trials")))
        {
            var best = await earlier.RunAsync();
            Print(new
            {
                mode = "warm-start", side = "source", tuner = setup.Tuner, train_rows = warmRows, validation_rows = validationRows,
                epochs = setup.Epochs, trials = earlier.Trials.Count, best_validation = Math.Round(best.Metric, 4),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), store = setup.Store,
            });
        }

        var results = new List<(int Seed, bool Warm, double? Seconds, int Trials)>();
        int rounds = command.Int("--rounds");
        for (int round = 1; round <= rounds; round++)
        {
            int seed = command.Int("--first-seed") + round - 1;
            bool[] order = round % 2 == 1 ? [false, true] : [true, false];
            foreach (bool warm in order)
            {
                Console.Error.WriteLine($"Round {round} of {rounds} (seed {seed}), {(warm ? "warm" : "cold")}...");
                var (seconds, trials, best, skipped, total) = await MeasureAsync(setup, seed, warm, target, maxTrials);
                results.Add((seed, warm, seconds, trials));
                Print(new
                {
                    mode = "warm-start", side = warm ? "warm" : "cold", tuner = setup.Tuner, seed, target, epochs = setup.Epochs,
                    train_rows = trainRows, validation_rows = validationRows, seconds_to_target = seconds.HasValue ? Math.Round(seconds.Value, 1) : (double?)null,
                    trials_to_target = seconds.HasValue ? trials : (int?)null, trials, best_epoch_validation = Math.Round(best, 4),
                    warm_start_skipped = skipped, seconds = Math.Round(total, 1),
                });
            }
        }

        Summarize(results, maxTrials);
        return 0;
    }

    private static async Task<(double? Seconds, int Trials, double Best, int? Skipped, double Total)> MeasureAsync(Setup setup, int seed, bool warm, double target, int maxTrials)
    {
        using var reached = new CancellationTokenSource();
        double? seconds = null;
        double best = 0;
        var clock = Stopwatch.StartNew();
        var everyEpoch = new DeepFitContext
        {
            Progress = new Inline(report =>
            {
                best = Math.Max(best, report.ValidationMetric ?? 0);
                if (seconds == null && report.ValidationMetric >= target)
                {
                    seconds = clock.Elapsed.TotalSeconds;
                    reached.Cancel();
                }
            }),
        };
        using var experiment = Experiment(setup, setup.Measured, seed, everyEpoch).SetMaxTrials(maxTrials);
        if (warm)
        {
            experiment.SetWarmStart(setup.Store, SourceSweep);
        }

        try
        {
            await experiment.RunAsync(reached.Token);
        }
        catch (OperationCanceledException) when (reached.IsCancellationRequested)
        {
            // The target was reached during the first trial.
        }

        return (seconds, experiment.Trials.Count, best, experiment.WarmStart?.SkippedCount, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A CNN sweep (epochs fixed) on one pair of row sets, with the tuner's seed drawn from <paramref name="seed"/>.</summary>
    private static DeepOptExperiment Experiment(Setup setup, (List<FashionImage> Train, List<FashionImage> Validation) rows, int seed, DeepFitContext? context)
    {
        var ml = new MLContext(seed: seed);
        var space = new SearchSpace<CnnSearchSpace> { ["Epochs"] = new ChoiceOption(setup.Epochs) };
        var options = new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, ThreadCount = setup.Threads };
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(ml.Data.LoadFromEnumerable(rows.Train), ml.Data.LoadFromEnumerable(rows.Validation))
            .SetPipeline(ml.Transforms.Conversion.MapValueToKey("Label"), ml.DeepOptAuto().Cnn(options, space, context))
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy);
        _ = setup.Tuner switch
        {
            "bayes" => experiment.SetBayesianTuner(),
            "cfo" => experiment.SetCostFrugalTuner(),
            "random" => experiment.SetRandomSearchTuner(),
            _ => throw new ArgumentException($"Unknown tuner '{setup.Tuner}': pass --tuner bayes, cfo or random."),
        };
        return experiment;
    }

    private static void Summarize(List<(int Seed, bool Warm, double? Seconds, int Trials)> results, int maxTrials)
    {
        Console.WriteLine($"\n{"seed",4} {"cold s",8} {"warm s",8} {"ratio",6}   trials to target cold / warm");
        var ratios = new List<double>();
        var trials = (Cold: new List<double>(), Warm: new List<double>());
        foreach (var seed in results.Select(r => r.Seed).Distinct())
        {
            var cold = results.Single(r => r.Seed == seed && !r.Warm);
            var warm = results.Single(r => r.Seed == seed && r.Warm);
            double? ratio = cold.Seconds > 0 && warm.Seconds.HasValue ? warm.Seconds / cold.Seconds : null;
            if (ratio is { } r)
            {
                ratios.Add(r);
            }

            // A sweep that never reached the target counts as one trial more than its budget.
            trials.Cold.Add(cold.Seconds.HasValue ? cold.Trials : maxTrials + 1);
            trials.Warm.Add(warm.Seconds.HasValue ? warm.Trials : maxTrials + 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{seed,4} {Format(cold.Seconds)} {Format(warm.Seconds)} {(ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "n/a"),6}   {Count(cold)} / {Count(warm)}"));
        }

        string median = ratios.Count > 0 ? Median(ratios).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median time ratio warm / cold over {ratios.Count} seeds: {median}; median trials to target: cold {Median(trials.Cold):F1}, warm {Median(trials.Warm):F1}"));
    }

    private static string Format(double? seconds) => seconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture).PadLeft(8) : "     n/a";

    private static string Count((int Seed, bool Warm, double? Seconds, int Trials) result) =>
        result.Seconds.HasValue ? result.Trials.ToString(CultureInfo.InvariantCulture) : $"> {result.Trials}";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }

    private static void Print(object value) => Console.WriteLine(JsonSerializer.Serialize(value));

    private sealed record Setup(
        (List<FashionImage> Train, List<FashionImage> Validation) Measured,
        (List<FashionImage> Train, List<FashionImage> Validation) Earlier,
        int Epochs,
        int Threads,
        string Tuner,
        string Store);
}
