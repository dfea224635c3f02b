// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Cli.Data;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.Cli.Config;

/// <summary>A `trainer:` entry: its kind (cnn, mlp, lstm), its options, and for a sweep its search-space changes.</summary>
internal static class TrainerConfig
{
    private static readonly string[] Keys = ["kind", "name", "options", "searchSpace"];

    /// <summary>The options a `train` run fits with.</summary>
    public static DeepTrainerOptions Options(ConfigNode node, LoadedData data, int seed)
    {
        var options = Create(node);
        Complete(options, node, data, seed);
        node.RejectUnknownKeys(Keys.Where(k => k != "searchSpace" && k != "name"));
        return options;
    }

    /// <summary>The sweepable trainer a `sweep` run tunes.</summary>
    public static SweepableTrainer Sweepable(ConfigNode node, LoadedData data, int seed, MLContext ml)
    {
        var options = Create(node);
        Complete(options, node, data, seed);
        var spaceNode = node.Child("searchSpace");
        var auto = ml.DeepOptAuto();
        var candidates = new List<SearchSpaceBinder.Candidate>();
        SweepableTrainer trainer = options switch
        {
            CnnOptions cnn => auto.Cnn(cnn, SearchSpaceBinder.Bind(spaceNode, new SearchSpace<CnnSearchSpace>(), candidates)),
            LstmOptions lstm => auto.Lstm(lstm, SearchSpaceBinder.Bind(spaceNode, new SearchSpace<LstmSearchSpace>(), candidates)),
            MlpOptions mlp => auto.Mlp(mlp, SearchSpaceBinder.Bind(spaceNode, new SearchSpace<MlpSearchSpace>(), candidates)),
            _ => throw node.Error("unknown trainer."),
        };
        node.RejectUnknownKeys(Keys);
        SearchSpaceBinder.Check(trainer, candidates);
        return node.Child("name") is { } name ? trainer.Named(name.String()) : trainer;
    }

    private static DeepTrainerOptions Create(ConfigNode node)
    {
        node.RejectKeysOtherThan(Keys);
        var kind = node.Required("kind");
        return kind.String().ToLowerInvariant() switch
        {
            "cnn" => new CnnOptions(),
            "mlp" => new MlpOptions(),
            "lstm" or "gru" => new LstmOptions { Cell = kind.String().Equals("gru", StringComparison.OrdinalIgnoreCase) ? RecurrentCellKind.Gru : RecurrentCellKind.Lstm },
            var other => throw kind.Error($"'{other}' is not a trainer: use cnn, mlp, lstm or gru."),
        };
    }

    /// <summary>Fills what the data decides (columns, image shape) unless the config set it, then the config's options.</summary>
    private static void Complete(DeepTrainerOptions options, ConfigNode node, LoadedData data, int seed)
    {
        options.FeatureColumnName = data.FeatureColumn;
        options.Seed = seed;
        if (options is CnnOptions cnn && data.ImageHeight > 0)
        {
            (cnn.ImageHeight, cnn.ImageWidth) = (data.ImageHeight, data.ImageWidth);
            cnn.Channels = data.FeatureColumn == "Image" ? 3 : 1;
        }

        if (node.Child("options") is { } values)
        {
            OptionsBinder.Bind(values, options);
        }
        else
        {
            options.Validate();
        }
    }
}
