// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Starting a fit from a fitted DeepOpt model: checks that it is the same kind of network on the same features, copies
/// every layer whose shape matches (the output layer is rebuilt when the label set differs), freezes the first blocks,
/// unfreezes them gradually, and keeps batch-norm statistics when told to.
/// </summary>
internal sealed class FineTuning : IDisposable
{
    private readonly ITeacher _source;
    private readonly IDisposable _lease;
    private readonly IDisposable? _owned;
    private bool _newLabelSet;

    private FineTuning(ITeacher source, IDisposable? owned)
    {
        _source = source;
        _owned = owned;
        _lease = source.Lease("fine-tuning");
    }

    /// <summary>Gets what the pretrained model reads: a text model's vocabulary is kept for the new fit.</summary>
    public FeatureSpec Features => _source.Description.Features;

    /// <summary>Opens the pretrained model of this fit (the context's, else the file's), or returns null for none.</summary>
    public static FineTuning? Open(DeepTrainerOptions options, DeepFitContext context)
    {
        if (context.Pretrained is { } fitted)
        {
            return new FineTuning(fitted, null);
        }

        if (options.PretrainedModelPath is not { } path)
        {
            return null;
        }

        var loaded = new MLContext().Model.LoadDeepOpt(path, out _);
        var model = (loaded as IEnumerable<ITransformer> ?? [loaded]).OfType<DeepPredictionTransformer>().LastOrDefault();
        if (model == null)
        {
            (loaded as IDisposable)?.Dispose();
            throw new ArgumentException($"The `PretrainedModelPath` file '{path}' holds no DeepOpt network. Save a model with a DeepOpt trainer in it with ml.Model.SaveDeepOpt.", nameof(DeepTrainerOptions.PretrainedModelPath));
        }

        return new FineTuning(model, loaded as IDisposable ?? model);
    }

    /// <summary>Checks, before training, the options that need a pretrained model, and that a pretrained model is alive
    /// and its file is there.</summary>
    public static void Check(DeepTrainerOptions options, DeepFitContext context)
    {
        bool pretrained = context.Pretrained != null || options.PretrainedModelPath != null || options.HasBuiltInPretrainedWeights;
        if (!pretrained && (options.FreezeBlocks > 0 || options.FreezeAllButHead))
        {
            string option = options.FreezeAllButHead ? nameof(DeepTrainerOptions.FreezeAllButHead) : nameof(DeepTrainerOptions.FreezeBlocks);
            throw new ArgumentOutOfRangeException(option, $"`{option}` freezes pretrained weights, but there is no pretrained model. Set `{nameof(DeepTrainerOptions.PretrainedModelPath)}` or the fit context's `{nameof(DeepFitContext.Pretrained)}` (or, for the CNN, `Architecture` = ResNet18 with its ImageNet weights), or leave nothing frozen.");
        }

        if (context.Pretrained is { IsDisposed: true })
        {
            throw new ArgumentException("The `Pretrained` model was disposed before the fit, so it has no weights to start from. Dispose it after the fit returns.", nameof(DeepFitContext.Pretrained));
        }

        if (context.Pretrained == null && options.PretrainedModelPath is { } path && !File.Exists(path))
        {
            throw new FileNotFoundException($"The `{nameof(DeepTrainerOptions.PretrainedModelPath)}` file '{Path.GetFullPath(path)}' does not exist. Save the pretrained model there with ml.Model.SaveDeepOpt, or fix the path.", path);
        }
    }

    /// <summary>Checks that the new fit can start from this model (same network kind and features) and notes whether its
    /// label set is new (other classes, or the same number of other names), which rebuilds the output layer.</summary>
    public void CheckFits(DeepTrainerOptions options, PredictionKind task, FeatureSpec features, LabelKeyValues? labels)
    {
        var source = _source.Description;
        _newLabelSet = source.Task != task
            || (labels != null && source.KeyValues != null && (labels.ItemKind != source.KeyValues.ItemKind || !labels.Values.SequenceEqual(source.KeyValues.Values)));
        if (source.Options.GetType() != options.GetType())
        {
            throw new ArgumentException($"The pretrained model is a {Kind(source.Options)}, but this trainer builds a {Kind(options)}. Fine-tune with the trainer of the pretrained model's kind.", nameof(DeepFitContext.Pretrained));
        }

        if (source.Features.Size != features.Size || source.Features.Image != features.Image || (source.Features.Tokens == null) != (features.Tokens == null))
        {
            throw new ArgumentException($"The pretrained model reads {source.Features.Size} features from '{source.Features.ColumnName}', but this data has {features.Size} in '{features.ColumnName}'. Prepare the data as for the pretrained model.", nameof(DeepFitContext.Pretrained));
        }
    }

    /// <summary>Copies the pretrained weights into <paramref name="network"/> and returns the plan of what trains.</summary>
    public BlockPlan Apply(nn.Module<Tensor, Tensor> network, DeepTrainerOptions options)
    {
        var blocks = ((IBlockNetwork)network).Blocks;
        var sourceState = _source.Network.state_dict();
        using (no_grad())
        {
            foreach (var (name, target) in network.state_dict())
            {
                bool inHead = blocks.IndexOf(name) == blocks.Count - 1;
                if (inHead && _newLabelSet)
                {
                    continue; // other classes: the output layer keeps its fresh weights
                }

                if (!sourceState.TryGetValue(name, out var weights))
                {
                    throw new ArgumentException($"The pretrained model has no layer '{name}' ({Shape(target)}): its network differs from this one. Give the trainer the pretrained model's network options (layers, sizes).", nameof(DeepFitContext.Pretrained));
                }

                if (!weights.shape.SequenceEqual(target.shape))
                {
                    if (!inHead)
                    {
                        throw new ArgumentException($"The pretrained layer '{name}' has shape {Shape(weights)}, but this network's has {Shape(target)}. Give the trainer the pretrained model's network options (layers, sizes), or leave that layer out of the pretrained model.", nameof(DeepFitContext.Pretrained));
                    }

                    continue; // a new label set: the output layer keeps its fresh weights
                }

                target.copy_(weights.to(target.device));
            }
        }

        return BlockPlan.Create(network, options);
    }

    public void Dispose()
    {
        _lease.Dispose();
        _owned?.Dispose();
    }

    private static string Kind(DeepTrainerOptions options) => options.GetType().Name.Replace("Options", "", StringComparison.Ordinal).ToUpperInvariant();

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}
