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
}

/// <summary>One end of a token sequence.</summary>
public enum SequenceSide
{
    /// <summary>The beginning of the sequence.</summary>
    Start,

    /// <summary>The end of the sequence.</summary>
    End,
}
