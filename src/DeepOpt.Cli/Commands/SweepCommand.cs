// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML;
using DeepOpt.AutoML.Pruners;
using DeepOpt.Cli.Config;
using DeepOpt.Cli.Data;
using DeepOpt.Reports;
using DeepOpt.Reports.Live;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.Cli.Commands;

/// <summary>`deepopt sweep config.yaml`: tunes one or more trainers on the config's data and saves the best model.</summary>
internal static class SweepCommand
{
    private static readonly string[] Keys = ["task", "metric", "seed", "data", "trainers", "tuner", "pruner", "maxTrials", "minutes", "output", "storage", "sweepName", "objectives", "constraints"];

    /// <param name="configPath">The config file.</param>
    /// <param name="output">Where the results go.</param>
    /// <param name="cancellationToken">Stops the sweep at the running trial's next batch.</param>
    /// <param name="live">True for a live table of trials on the terminal (plain lines when output is redirected);
    /// false for one line per trial event on <paramref name="output"/>.</param>
    public static async Task<int> RunAsync(string configPath, TextWriter output, CancellationToken cancellationToken, bool live = false)
    {
        var root = ConfigNode.Load(configPath);
        root.RejectKeysOtherThan(Keys);
        string folder = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var task = TaskNames.Of(root.Child("task"));
        int seed = root.Child("seed")?.Int() ?? 1;
        var data = DataConfig.Bind(root.Required("data"), folder);
        var metricNode = root.Child("metric");
        var trainerNodes = root.Required("trainers").Items().ToList();
        string tuner = root.Child("tuner")?.String().ToLowerInvariant() ?? "bayesian";
        var prunerNode = root.Child("pruner");
        int? maxTrials = root.Child("maxTrials") is { } trialsNode ? AtLeastOne(trialsNode) : null;
        double? minutes = root.Child("minutes") is { } minutesNode ? Positive(minutesNode) : null;
        string modelPath = Path.GetFullPath(root.Child("output")?.String() ?? "best-model.zip", folder);
        string? storage = root.Child("storage")?.String() is { } s ? Storage(s, folder) : null;
        string? sweepName = root.Child("sweepName")?.String();
        var objectives = ObjectivesConfig.Bind(root.Child("objectives"), root.Child("constraints"));
        root.RejectUnknownKeys(Keys);
        if (maxTrials == null && minutes == null)
        {
            throw root.Error("give the sweep a budget: `maxTrials`, `minutes`, or both.");
        }

        var ml = new MLContext(seed);
        var loaded = DataSources.Load(ml, data, task, seed);
        var trainers = trainerNodes.Select(node => TrainerConfig.Sweepable(node, loaded, seed, ml)).ToArray();
        foreach (var trainer in trainers)
        {
            trainer.BaseOptions.LabelColumnName = data.Label;
        }

        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(loaded.Train, loaded.Validation)
            .SetPipeline(loaded.Featurizer, trainers);
        if (storage != null)
        {
            experiment.SetStorage(storage);
        }

        if (sweepName != null)
        {
            experiment.SetSweepName(sweepName);
        }

        string metric = SetMetric(experiment, task, metricNode, data.Label);
        if (objectives != null)
        {
            experiment.SetObjectives(objectives.Objectives, objectives.Constraints);
            _ = tuner switch
            {
                "bayesian" or "bayes" => experiment,
                "nsga" or "nsga2" => experiment.SetNsgaTuner(),
                "random" => experiment.SetRandomSearchTuner(),
                _ => throw root.Required("tuner").Error($"'{tuner}' is not a tuner of several objectives: use bayesian (the default), nsga or random."),
            };
        }
        else
        {
            _ = tuner switch
            {
                "cfo" or "costfrugal" => experiment.SetCostFrugalTuner(),
                "bayesian" or "bayes" => experiment.SetBayesianTuner(),
                "random" => experiment.SetRandomSearchTuner(),
                "grid" => experiment.SetGridSearchTuner(),
                _ => throw root.Required("tuner").Error($"'{tuner}' is not a tuner: use bayesian (the default), cfo, random or grid."),
            };
        }

        if ((objectives == null ? Pruner(prunerNode) : ObjectivesConfig.Pruner(prunerNode, objectives, metric)) is { } pruner)
        {
            experiment.SetPruner(pruner);
        }

        if (maxTrials is { } trials)
        {
            experiment.SetMaxTrials(trials);
        }

        if (minutes is { } m)
        {
            experiment.SetTrainingTimeInSeconds(m * 60);
        }

        var best = live
            ? await LiveSweep.RunAsync(monitor => experiment.SetMonitor(monitor).RunAsync(cancellationToken), objectives: objectives).ConfigureAwait(false)
            : await experiment.SetMonitor(new TrialLines(output, objectives)).RunAsync(cancellationToken).ConfigureAwait(false);
        if (experiment.StopReason != null)
        {
            output.WriteLine(experiment.StopReason);
        }

        if (objectives != null)
        {
            ObjectivesConfig.WriteFront(output, objectives, experiment.ParetoFront);
        }

        output.WriteLine($"Best: trial {best.TrialSettings.TrialId}, metric {best.Metric:F4}: {TrialLines.Describe(best.TrialSettings.Parameter)}");
        if (loaded.Test != null)
        {
            output.WriteLine($"Test: {Evaluation.Describe(ml, task, best.Model!.Transform(loaded.Test), data.Label)}");
        }

        ml.Model.SaveDeepOpt(best.Model!, loaded.Train.Schema, modelPath);
        output.WriteLine($"Saved the best model to {modelPath}.");
        return 0;
    }

    private static int AtLeastOne(ConfigNode node)
    {
        int value = node.Int();
        return value >= 1
            ? value
            : throw node.Error($"must be 1 or more, but got {value}. Give the number of trials to run, or leave `maxTrials` out and set `minutes`.");
    }

    private static double Positive(ConfigNode node)
    {
        double value = node.Double();
        return value > 0 && double.IsFinite(value)
            ? value
            : throw node.Error($"must be greater than 0, but got {node.String()}. Give the sweep's time budget in minutes, or leave `minutes` out and set `maxTrials`.");
    }

    /// <summary>A SQLite path is relative to the config's folder; a connection string is kept as it is.</summary>
    internal static string Storage(string value, string folder) =>
        value.Contains('=', StringComparison.Ordinal) ? value : Path.GetFullPath(value, folder);

    /// <summary>Sets the task's metric and returns its name.</summary>
    private static string SetMetric(DeepOptExperiment experiment, PredictionKind task, ConfigNode? node, string label)
    {
        switch (task)
        {
            case PredictionKind.BinaryClassification:
                var binary = node?.Enum<BinaryClassificationMetric>() ?? BinaryClassificationMetric.Accuracy;
                experiment.SetBinaryClassificationMetric(binary, label);
                return binary.ToString();
            case PredictionKind.Regression:
                var regression = node?.Enum<RegressionMetric>() ?? RegressionMetric.RSquared;
                experiment.SetRegressionMetric(regression, label);
                return regression.ToString();
            default:
                var multiclass = node?.Enum<MulticlassClassificationMetric>() ?? MulticlassClassificationMetric.MacroAccuracy;
                experiment.SetMulticlassClassificationMetric(multiclass, label);
                return multiclass.ToString();
        }
    }

    private static IPruner? Pruner(ConfigNode? node) => node?.String().ToLowerInvariant() switch
    {
        null or "none" => null,
        "asha" => new SuccessiveHalvingPruner(),
        "median" => new MedianPruner(),
        "hyperband" => new HyperbandPruner(maxResource: 27),
        var other => throw node!.Error($"'{other}' is not a pruner: use asha, median, hyperband or none."),
    };
}
