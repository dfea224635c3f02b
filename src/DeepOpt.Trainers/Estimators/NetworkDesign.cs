// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// What differs between DeepOpt's networks, kept out of the options (which stay plain data): which feature columns a
/// network reads, what the features fix in its options, how it is built, whether it has batch norm and what changes
/// its training batches. Each trainer class holds its own (<see cref="CnnTrainer"/>, <see cref="LstmTrainer"/>,
/// <see cref="MlpTrainer"/>); <see cref="Of"/> finds it for a model being loaded.
/// </summary>
internal abstract class NetworkDesign
{
    /// <summary>Whether the network reads ML.NET image columns as well as float vectors.</summary>
    public virtual bool AcceptsImages => false;

    /// <summary>Whether the network reads token sequences (text, or a vector of keys) instead of float vectors.</summary>
    public virtual bool AcceptsTokens => false;

    /// <summary>Whether the network has batch norm layers, which need batches of 2 rows or more.</summary>
    public virtual bool UsesBatchNorm => false;

    /// <summary>The design of the network these options describe.</summary>
    public static NetworkDesign Of(DeepTrainerOptions options) => options switch
    {
        CnnOptions cnn => new CnnTrainer.Design(cnn),
        LstmOptions lstm => new LstmTrainer.Design(lstm),
        MlpOptions mlp => new MlpTrainer.Design(mlp),
        _ => throw new NotSupportedException($"DeepOpt has no network for options of type {options.GetType().Name}."),
    };

    /// <summary>Builds the untrained network for this input width and output width.</summary>
    public abstract nn.Module<Tensor, Tensor> Build(int inputSize, int outputSize);

    /// <summary>
    /// The options to train with on these features: checks that the network fits them, before training, and fills in
    /// what the features decide (a CNN's image shape, an LSTM's vocabulary size). Returns the options or a changed copy.
    /// </summary>
    public virtual DeepTrainerOptions ForFeatures(FeatureSpec features) => Options;

    /// <summary>What changes each training batch at random, or null.</summary>
    public virtual IBatchAugmenter? CreateAugmenter(int seed) => null;

    /// <summary>The spec of a token column, or null when it holds no tokens (token networks only).</summary>
    public virtual FeatureSpec? TokenSpec(DataViewSchema.Column column) => null;

    /// <summary>Builds a text column's vocabulary from the training data (token networks only).</summary>
    public virtual FeatureSpec FitTokens(IDataView data, FeatureSpec spec, string what) => spec;

    /// <summary>The spec of an image column (image networks only).</summary>
    public virtual FeatureSpec ImageSpec(ImageDataViewType type) =>
        throw new InvalidOperationException($"Features column '{Options.FeatureColumnName}' holds images, which this network does not read.");

    /// <summary>The options the design was made from.</summary>
    protected abstract DeepTrainerOptions Options { get; }
}
