// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML;
using DeepOpt.Cli.Config;
using DeepOpt.Cli.Data;
using DeepOpt.Reports.Live;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Cli.Commands;

/// <summary>`deepopt train config.yaml`: fits one trainer on the config's data and saves the model.</summary>
internal static class TrainCommand
{
    private static readonly string[] Keys = ["task", "seed", "data", "trainer", "output"];

    /// <param name="configPath">The config file.</param>
    /// <param name="output">Where the results go.</param>
    /// <param name="live">True for a live progress bar on the terminal (plain lines when output is redirected);
    /// false for one line per epoch on <paramref name="output"/>.</param>
    public static int Run(string configPath, TextWriter output, bool live = false)
    {
        var root = ConfigNode.Load(configPath);
        root.RejectKeysOtherThan(Keys);
        string folder = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var task = TaskNames.Of(root.Child("task"));
        int seed = root.Child("seed")?.Int() ?? 1;
        var data = DataConfig.Bind(root.Required("data"), folder);
        var trainerNode = root.Required("trainer");
        string modelPath = Path.GetFullPath(root.Child("output")?.String() ?? "model.zip", folder);
        root.RejectUnknownKeys(Keys);

        var ml = new MLContext(seed);
        var loaded = DataSources.Load(ml, data, task, seed);
        var options = TrainerConfig.Options(trainerNode, loaded, seed);
        options.LabelColumnName = data.Label;
        var featurizer = loaded.Featurizer.Fit(loaded.Train);
        var context = new DeepFitContext { ValidationSet = featurizer.Transform(loaded.Validation) };
        var trainer = DeepOptTrainers.Create(ml, options, task, context);
        var features = featurizer.Transform(loaded.Train);
        ITransformer Fit(IProgress<EpochReport> progress, IProgress<BatchReport>? batches)
        {
            context.Progress = progress;
            context.BatchProgress = batches;
            return trainer.Fit(features);
        }

        var trained = live
            ? LiveTraining.Run($"train {trainerNode.Required("kind").String()}", progress => Fit(progress, progress))
            : Fit(new EpochLines(output), null);
        var model = new TransformerChain<ITransformer>(featurizer, trained);
        output.WriteLine($"Validation: {Evaluation.Describe(ml, task, model.Transform(loaded.Validation), data.Label)}");
        if (loaded.Test != null)
        {
            output.WriteLine($"Test: {Evaluation.Describe(ml, task, model.Transform(loaded.Test), data.Label)}");
        }

        ml.Model.SaveDeepOpt(model, loaded.Train.Schema, modelPath);
        output.WriteLine($"Saved the model to {modelPath} (load it with ml.Model.LoadDeepOpt).");
        return 0;
    }

    /// <summary>One line per epoch, on the training thread.</summary>
    private sealed class EpochLines(TextWriter output) : IProgress<EpochReport>
    {
        public void Report(EpochReport r) => output.WriteLine(
            $"epoch {r.Epoch,3}/{r.TotalEpochs}  loss {r.TrainLoss:F4}  validation {r.ValidationMetric:F4}  lr {r.LearningRate:G3}  {r.Seconds:F1} s");
    }
}
