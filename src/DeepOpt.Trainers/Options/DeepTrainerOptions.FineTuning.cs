// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <content>Fine-tuning: starting from a fitted DeepOpt model, and what of it keeps learning. Plain settings, so a
/// sweep can tune them.</content>
public abstract partial class DeepTrainerOptions
{
    /// <summary>A model saved with <c>ml.Model.SaveDeepOpt</c> whose weights the network starts from.</summary>
    /// <value>null starts from fresh weights, unless the fit context's <see cref="DeepFitContext.Pretrained"/> gives a
    /// fitted model. Every layer whose shape matches is copied; the output layer is rebuilt when the label set differs;
    /// any other layer that differs is an error naming it. Default null.</value>
    public string? PretrainedModelPath { get; set; }

    /// <summary>The number of the network's first blocks whose weights stay as the pretrained model left them.</summary>
    /// <value>0 or more, fewer than the network's blocks (the output layer is never frozen). The blocks, in order: an
    /// MLP's hidden layers; a CNN's convolution blocks and dense layer; an LSTM's embedding, recurrent layers and dense
    /// layer. Needs a pretrained model. Default 0.</value>
    public int FreezeBlocks { get; set; } = Defaults.FreezeBlocks;

    /// <summary>Freezes every block but the output layer: the network then trains as a linear head on the pretrained
    /// features.</summary>
    /// <value>Needs a pretrained model; overrides <see cref="FreezeBlocks"/>. Default false.</value>
    public bool FreezeAllButHead { get; set; } = Defaults.FreezeAllButHead;

    /// <summary>The factor on the learning rate of the pretrained blocks that train; the output layer, when rebuilt,
    /// trains at the full rate.</summary>
    /// <value>Greater than 0; 1 trains every block at the same rate. Default 1.</value>
    public double PretrainedLearningRateFactor { get; set; } = Defaults.PretrainedLearningRateFactor;

    /// <summary>Gradual unfreezing: every this many epochs, the last frozen block starts training (from the top down,
    /// as ULMFiT does).</summary>
    /// <value>0 keeps frozen blocks frozen; otherwise 1 or more. Default 0.</value>
    public int UnfreezeEveryEpochs { get; set; } = Defaults.UnfreezeEveryEpochs;

    /// <summary>Whether the pretrained batch-norm layers keep updating their running mean and variance on the new data.</summary>
    /// <value>false keeps the pretrained statistics (the layers' scale and shift still train unless frozen); frozen
    /// blocks never update theirs. Default true.</value>
    public bool UpdateBatchNormStatistics { get; set; } = Defaults.UpdateBatchNormStatistics;

    /// <summary>Whether the network starts from weights it brings along, which count as pretrained.</summary>
    internal virtual bool HasBuiltInPretrainedWeights => false;

    /// <summary>Checks the fine-tuning options.</summary>
    private void ValidateFineTuning()
    {
        if (PretrainedModelPath != null)
        {
            OptionChecks.NotEmpty(PretrainedModelPath, nameof(PretrainedModelPath));
        }

        OptionChecks.AtLeast(FreezeBlocks, 0, nameof(FreezeBlocks));
        OptionChecks.Positive(PretrainedLearningRateFactor, nameof(PretrainedLearningRateFactor));
        OptionChecks.AtLeast(UnfreezeEveryEpochs, 0, nameof(UnfreezeEveryEpochs));
    }
}
