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
/// The feature column is either text or a vector of keys. Text is split into tokens as <see cref="Tokenization"/> says
/// (by default words: maximal runs of letters and digits), lower-cased first when <see cref="LowerCase"/> is set. A key
/// vector of any unsigned key type (from <c>ml.Transforms.Text.TokenizeIntoWords</c> and
/// <c>ml.Transforms.Conversion.MapValueToKey</c>, or <c>TokenizeIntoCharactersAsKeys</c>) gives one token per key. Either
/// way a vocabulary of the tokens the training data uses is built at <c>Fit</c> and saved with the model, so the
/// embedding has one row per token training saw, not per value the key type could hold.
/// </para>
/// <para>
/// Token ids: 0 is padding, 1 is the out-of-vocabulary token (a token not in the vocabulary, a key training never
/// saw, or a missing key), and the vocabulary's tokens follow from 2, in the order of their first occurrence in the
/// training data. With no limit cutting the vocabulary, text therefore gets the same ids as the same tokens given as
/// keys (of any key type) of <c>TokenizeIntoWords</c> + <c>MapValueToKey</c> fitted on the training data.
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
        /// <summary>Default of <see cref="Tokenization"/>.</summary>
        public const TokenizationKind Tokenization = TokenizationKind.Words;
        /// <summary>Default of <see cref="CharacterNGramLength"/>.</summary>
        public const int CharacterNGramLength = 1;
        /// <summary>Default of <see cref="WordNGramLength"/>.</summary>
        public const int WordNGramLength = 1;
        /// <summary>Default of <see cref="EmbeddingSize"/>.</summary>
        public const int EmbeddingSize = 64;
        /// <summary>Default of <see cref="SpatialDropout"/>.</summary>
        public const double SpatialDropout = 0;
        /// <summary>Default of <see cref="TokenDropout"/>.</summary>
        public const double TokenDropout = 0;
        /// <summary>Default of <see cref="ConvolutionFilters"/>: no convolution.</summary>
        public const int ConvolutionFilters = 0;
        /// <summary>Default of <see cref="ConvolutionKernelSizes"/>.</summary>
        public static int[] ConvolutionKernelSizes => [3, 4, 5];
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

    /// <summary>The most tokens (words, characters, sub-words or keys) the vocabulary keeps: the most frequent ones, ties going to the earlier.</summary>
    /// <value>1 or more. Other tokens become the out-of-vocabulary token. Default 20000.</value>
    public int MaxVocabularySize { get; set; } = Defaults.MaxVocabularySize;

    /// <summary>The fewest times a token must occur in the training data to enter the vocabulary.</summary>
    /// <value>1 or more. Rarer tokens become the out-of-vocabulary token. Default 1.</value>
    public int MinFrequency { get; set; } = Defaults.MinFrequency;

    /// <summary>Whether text is lower-cased (invariant culture) before it is split into tokens.</summary>
    /// <value>Ignored for a key vector. Default true.</value>
    public bool LowerCase { get; set; } = Defaults.LowerCase;

    /// <summary>How a text column is split into tokens: words, characters (or character n-grams) or sub-words.</summary>
    /// <value>Ignored for a key vector. Default <see cref="TokenizationKind.Words"/>.</value>
    /// <remarks>
    /// Characters and sub-words make more tokens per row than words; raise <see cref="MaxSequenceLength"/> with them.
    /// They also serve when the column holds single words, names or codes, where whole words rarely recur.
    /// </remarks>
    public TokenizationKind Tokenization { get; set; } = Defaults.Tokenization;

    /// <summary>
    /// Characters per token of <see cref="TokenizationKind.Characters"/> (1 reads single characters, n above 1 every
    /// run of n consecutive ones) and of the character n-grams of <see cref="TokenizationKind.WordsAndCharacters"/>.
    /// </summary>
    /// <value>1 to 8; ignored by the other tokenizations and for a key vector. Default 1.</value>
    public int CharacterNGramLength { get; set; } = Defaults.CharacterNGramLength;

    /// <summary>
    /// The longest word n-gram of <see cref="TokenizationKind.Words"/> and <see cref="TokenizationKind.WordsAndCharacters"/>: with n above 1, each word is followed by the
    /// n-grams of up to n words that end with it (for n = 2: "open", "source", "open source"), each a token of the
    /// vocabulary. With <see cref="RecurrentLayers"/> 0 and mean pooling this is fastText's classifier (Joulin et al., 2017).
    /// </summary>
    /// <value>1 to 4; ignored by the other tokenizations and for a key vector. Default 1.</value>
    public int WordNGramLength { get; set; } = Defaults.WordNGramLength;

    /// <summary>The size of each token's embedding vector.</summary>
    /// <value>1 or more. Default 64.</value>
    public int EmbeddingSize { get; set; } = Defaults.EmbeddingSize;

    /// <summary>Spatial dropout on the embeddings: each embedding dimension is dropped for a whole sequence, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double SpatialDropout { get; set; } = Defaults.SpatialDropout;

    /// <summary>Token dropout: each token's whole embedding is dropped, during training only, so the network cannot lean on single words.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double TokenDropout { get; set; } = Defaults.TokenDropout;

    /// <summary>
    /// Filters of each convolution over the embedded tokens (Kim, 2014), one convolution per kernel size in
    /// <see cref="ConvolutionKernelSizes"/>, each followed by <see cref="DeepTrainerOptions.Activation"/>; their
    /// outputs, joined per token, feed the recurrent layers or, with <see cref="RecurrentLayers"/> 0, the pooling.
    /// </summary>
    /// <value>0 or more; 0 reads the embeddings directly. Default 0.</value>
    public int ConvolutionFilters { get; set; } = Defaults.ConvolutionFilters;

    /// <summary>The widths, in tokens, of the convolutions; each output is centred on its token.</summary>
    /// <value>One or more sizes of 1 or more, all different; used when <see cref="ConvolutionFilters"/> is above 0. Default [3, 4, 5], as Kim (2014).</value>
    public int[] ConvolutionKernelSizes { get; set; } = Defaults.ConvolutionKernelSizes;

    /// <summary>The recurrent cell.</summary>
    /// <value>Default <see cref="RecurrentCellKind.Lstm"/>.</value>
    public RecurrentCellKind Cell { get; set; } = Defaults.Cell;

    /// <summary>Units of each recurrent layer, per direction.</summary>
    /// <value>1 or more. Default 64.</value>
    public int HiddenSize { get; set; } = Defaults.HiddenSize;

    /// <summary>Stacked recurrent layers.</summary>
    /// <value>
    /// 0 or more. Default 1. With 0 the pooling reads the embeddings, or the convolutions' outputs: a convolutional text
    /// network, or with no convolution a bag of embeddings; <see cref="Cell"/>, <see cref="HiddenSize"/> and
    /// <see cref="Bidirectional"/> are then ignored.
    /// </value>
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
        OptionChecks.InClosedRange(CharacterNGramLength, 1, 8, nameof(CharacterNGramLength));
        OptionChecks.InClosedRange(WordNGramLength, 1, 4, nameof(WordNGramLength));
        OptionChecks.AtLeast(EmbeddingSize, 1, nameof(EmbeddingSize));
        OptionChecks.InRange(SpatialDropout, 0, 1, nameof(SpatialDropout));
        OptionChecks.AtLeast(HiddenSize, 1, nameof(HiddenSize));
        OptionChecks.AtLeast(RecurrentLayers, 0, nameof(RecurrentLayers));
        OptionChecks.InRange(TokenDropout, 0, 1, nameof(TokenDropout));
        OptionChecks.AtLeast(ConvolutionFilters, 0, nameof(ConvolutionFilters));
        if (ConvolutionKernelSizes is not { Length: > 0 } sizes || sizes.Any(k => k < 1) || sizes.Distinct().Count() != sizes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(ConvolutionKernelSizes), $"`{nameof(ConvolutionKernelSizes)}` must hold one or more different sizes of 1 or more, but got [{string.Join(", ", ConvolutionKernelSizes ?? [])}].");
        }
        OptionChecks.InRange(LayerDropout, 0, 1, nameof(LayerDropout));
        OptionChecks.AtLeast(DenseUnits, 0, nameof(DenseUnits));
        OptionChecks.InRange(Dropout, 0, 1, nameof(Dropout));
    }
}
