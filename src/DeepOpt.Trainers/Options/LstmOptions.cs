// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Options of the LSTM/GRU sequence classifiers: how text becomes token ids, the embedding, the recurrent layers,
/// the pooling and the head, plus every engine option.
/// </summary>
/// <remarks>
/// <para>
/// The feature column is either text or a vector of keys. Text is tokenised (a token is a maximal run of letters and
/// digits; everything else separates tokens), lower-cased when <see cref="LowerCase"/> is set, and mapped through a
/// vocabulary built from the training data at <c>Fit</c> and saved with the model. A key vector (from
/// <c>ml.Transforms.Text.TokenizeIntoWords</c> and <c>ml.Transforms.Conversion.MapValueToKey</c>) is used as it is.
/// </para>
/// <para>
/// Token ids: 0 is padding, 1 is the out-of-vocabulary token (a word not in the vocabulary, or a missing key), and
/// the vocabulary's words follow from 2, in the order of their first occurrence in the training data; key value k
/// becomes id k + 1. With no limit cutting the vocabulary, text therefore gets the same ids as
/// <c>TokenizeIntoWords</c> + <c>MapValueToKey</c> give the same tokens.
/// </para>
/// <para>
/// Each row becomes <see cref="MaxSequenceLength"/> ids: longer sequences lose tokens at <see cref="Truncation"/>,
/// shorter ones get padding at <see cref="Padding"/>. The network masks the padding and never reads it, so the
/// padding side and the padded length do not change a prediction. An empty row reads as one padding token.
/// </para>
/// </remarks>
public sealed class LstmOptions : DeepTrainerOptions
{
    /// <summary>The default value of each LSTM option, written once.</summary>
    public static new class Defaults
    {
        /// <summary>Default of <see cref="MaxSequenceLength"/>.</summary>
        public const int MaxSequenceLength = 128;
        /// <summary>Default of <see cref="Truncation"/>: keep the first tokens.</summary>
        public const SequenceSide Truncation = SequenceSide.End;
        /// <summary>Default of <see cref="Padding"/>.</summary>
        public const SequenceSide Padding = SequenceSide.End;
        /// <summary>Default of <see cref="MaxVocabularySize"/>.</summary>
        public const int MaxVocabularySize = 20000;
        /// <summary>Default of <see cref="MinFrequency"/>.</summary>
        public const int MinFrequency = 1;
        /// <summary>Default of <see cref="LowerCase"/>.</summary>
        public const bool LowerCase = true;
        /// <summary>Default of <see cref="EmbeddingSize"/>.</summary>
        public const int EmbeddingSize = 64;
        /// <summary>Default of <see cref="SpatialDropout"/>.</summary>
        public const double SpatialDropout = 0;
        /// <summary>Default of <see cref="Cell"/>.</summary>
        public const RecurrentCellKind Cell = RecurrentCellKind.Lstm;
        /// <summary>Default of <see cref="HiddenSize"/>.</summary>
        public const int HiddenSize = 64;
        /// <summary>Default of <see cref="RecurrentLayers"/>.</summary>
        public const int RecurrentLayers = 1;
        /// <summary>Default of <see cref="Bidirectional"/>.</summary>
        public const bool Bidirectional = false;
        /// <summary>Default of <see cref="LayerDropout"/>.</summary>
        public const double LayerDropout = 0;
        /// <summary>Default of <see cref="Pooling"/>.</summary>
        public const SequencePoolingKind Pooling = SequencePoolingKind.Last;
        /// <summary>Default of <see cref="DenseUnits"/>.</summary>
        public const int DenseUnits = 0;
        /// <summary>Default of <see cref="Dropout"/>.</summary>
        public const double Dropout = 0;
        /// <summary>Default of <see cref="RecurrentWeightInit"/>.</summary>
        public const WeightInitKind RecurrentWeightInit = WeightInitKind.Default;
    }

    /// <summary>Token ids per row: longer sequences are truncated, shorter ones padded.</summary>
    /// <value>1 or more. Default 128.</value>
    public int MaxSequenceLength { get; set; } = Defaults.MaxSequenceLength;

    /// <summary>Which end of a sequence longer than <see cref="MaxSequenceLength"/> loses its tokens.</summary>
    /// <value><see cref="SequenceSide.End"/> keeps the first tokens, <see cref="SequenceSide.Start"/> the last. Default End.</value>
    public SequenceSide Truncation { get; set; } = Defaults.Truncation;

    /// <summary>Which end of a sequence shorter than <see cref="MaxSequenceLength"/> gets the padding.</summary>
    /// <value>Default <see cref="SequenceSide.End"/>. The network never reads padding, so the side does not change a prediction.</value>
    public SequenceSide Padding { get; set; } = Defaults.Padding;

    /// <summary>The most words the vocabulary of a text column keeps: the most frequent ones, ties going to the earlier.</summary>
    /// <value>1 or more. Other words become the out-of-vocabulary token. Ignored for a key vector. Default 20000.</value>
    public int MaxVocabularySize { get; set; } = Defaults.MaxVocabularySize;

    /// <summary>The fewest times a word must occur in the training data to enter the vocabulary of a text column.</summary>
    /// <value>1 or more. Rarer words become the out-of-vocabulary token. Ignored for a key vector. Default 1.</value>
    public int MinFrequency { get; set; } = Defaults.MinFrequency;

    /// <summary>Whether text is lower-cased (invariant culture) before it is split into tokens.</summary>
    /// <value>Ignored for a key vector. Default true.</value>
    public bool LowerCase { get; set; } = Defaults.LowerCase;

    /// <summary>The size of each token's embedding vector.</summary>
    /// <value>1 or more. Default 64.</value>
    public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

    /// <summary>Spatial dropout on the embeddings: each embedding dimension is dropped for a whole sequence, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double SpatialDropout { get; set; } = Defaults.SpatialDropout;

    /// <summary>The recurrent cell.</summary>
    /// <value>Default <see cref="RecurrentCellKind.Lstm"/>.</value>
    public RecurrentCellKind Cell { get; set; } = Defaults.Cell;

    /// <summary>Units of each recurrent layer, per direction.</summary>
    /// <value>1 or more. Default 64.</value>
    public int HiddenSize { get; set; } = Defaults.HiddenSize;

    /// <summary>Stacked recurrent layers.</summary>
    /// <value>1 or more. Default 1.</value>
    public int RecurrentLayers { get; set; } = Defaults.RecurrentLayers;

    /// <summary>Whether each recurrent layer also reads the sequence backwards; the two directions' outputs are joined.</summary>
    /// <value>Default false.</value>
    public bool Bidirectional { get; set; } = Defaults.Bidirectional;

    /// <summary>Dropout between stacked recurrent layers, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off; ignored when <see cref="RecurrentLayers"/> is 1. Default 0.</value>
    public double LayerDropout { get; set; } = Defaults.LayerDropout;

    /// <summary>How the recurrent outputs of a sequence become one vector for the head.</summary>
    /// <value>Default <see cref="SequencePoolingKind.Last"/>.</value>
    public SequencePoolingKind Pooling { get; set; } = Defaults.Pooling;

    /// <summary>Units of the dense layer of the head, with <see cref="DeepTrainerOptions.Activation"/>.</summary>
    /// <value>0 or more; 0 goes straight to the output layer. Default 0.</value>
    public int DenseUnits { get; set; } = Defaults.DenseUnits;

    /// <summary>Dropout before the output layer, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double Dropout { get; set; } = Defaults.Dropout;

    /// <summary>
    /// How the hidden-to-hidden matrices of the recurrent layers are initialised, gate by gate (orthogonal is the usual
    /// choice). Their input-to-hidden matrices follow <see cref="DeepTrainerOptions.WeightInit"/>, gate by gate, as do
    /// the embedding and the head.
    /// </summary>
    /// <value>Default <see cref="WeightInitKind.Default"/>: TorchSharp's uniform in ±1/√<see cref="HiddenSize"/>.</value>
    public WeightInitKind RecurrentWeightInit { get; set; } = Defaults.RecurrentWeightInit;

    /// <summary>The ids the embedding holds (padding, out-of-vocabulary, then one per word or key), set by the trainer from the data.</summary>
    [JsonInclude]
    internal int IdCount { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        OptionChecks.AtLeast(MaxSequenceLength, 1, nameof(MaxSequenceLength));
        OptionChecks.AtLeast(MaxVocabularySize, 1, nameof(MaxVocabularySize));
        if (MaxVocabularySize > TokenSpec.MaxIds - Vocabulary.FirstWordId)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxVocabularySize), MaxVocabularySize, $"`{nameof(MaxVocabularySize)}` must be at most {TokenSpec.MaxIds - Vocabulary.FirstWordId}, but got {MaxVocabularySize}.");
        }

        OptionChecks.AtLeast(MinFrequency, 1, nameof(MinFrequency));
        OptionChecks.AtLeast(EmbeddingSize, 1, nameof(EmbeddingSize));
        OptionChecks.InRange(SpatialDropout, 0, 1, nameof(SpatialDropout));
        OptionChecks.AtLeast(HiddenSize, 1, nameof(HiddenSize));
        OptionChecks.AtLeast(RecurrentLayers, 1, nameof(RecurrentLayers));
        OptionChecks.InRange(LayerDropout, 0, 1, nameof(LayerDropout));
        OptionChecks.AtLeast(DenseUnits, 0, nameof(DenseUnits));
        OptionChecks.InRange(Dropout, 0, 1, nameof(Dropout));
    }
}
