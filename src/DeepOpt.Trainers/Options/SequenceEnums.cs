// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>The recurrent cell of a sequence network.</summary>
public enum RecurrentCellKind
{
    /// <summary>Long short-term memory (Hochreiter and Schmidhuber, 1997).</summary>
    Lstm,

    /// <summary>Gated recurrent unit (Cho et al., 2014): fewer weights than an LSTM of the same hidden size.</summary>
    Gru,
}

/// <summary>How the recurrent outputs of one sequence become one vector for the head. Padding never takes part.</summary>
public enum SequencePoolingKind
{
    /// <summary>The state after the last token (for a bidirectional network, joined with the backward state after the first token).</summary>
    Last,

    /// <summary>The mean of the outputs at every token.</summary>
    Mean,

    /// <summary>The element-wise maximum of the outputs at every token.</summary>
    Max,

    /// <summary>The mean and the maximum, joined: twice the width for the head.</summary>
    MeanMax,

    /// <summary>
    /// A weighted mean whose weights the network learns (Yang et al., 2016): each token's output gets a score from a
    /// small tanh layer, and the weights are the softmax of the scores over the row's tokens.
    /// </summary>
    Attention,
}

/// <summary>One end of a token sequence.</summary>
public enum SequenceSide
{
    /// <summary>The beginning of the sequence.</summary>
    Start,

    /// <summary>The end of the sequence.</summary>
    End,
}

/// <summary>How a text column is split into tokens before the vocabulary maps them to ids.</summary>
public enum TokenizationKind
{
    /// <summary>Words: maximal runs of letters and digits; everything else separates them.</summary>
    Words,

    /// <summary>
    /// Characters, spaces and punctuation included, or with <see cref="LstmOptions.CharacterNGramLength"/> above 1 every
    /// run of that many consecutive characters. For short texts, names and codes, where single words carry little.
    /// </summary>
    Characters,

    /// <summary>
    /// Words as <see cref="Words"/> (with <see cref="LstmOptions.WordNGramLength"/>), each followed by the character
    /// n-grams of <see cref="LstmOptions.CharacterNGramLength"/> (3 to 5 serve best) of the word between '&lt;' and
    /// '&gt;': fastText's sub-word features, which let rare words and names share what their spelling shares.
    /// </summary>
    WordsAndCharacters,

    /// <summary>
    /// Sub-words of tiktoken's cl100k_base byte-pair encoding (from Microsoft.ML.Tokenizers; its vocabulary ships in a
    /// NuGet package, so nothing is downloaded). Rare and unseen words become pieces the training data has seen.
    /// </summary>
    Subwords,
}
