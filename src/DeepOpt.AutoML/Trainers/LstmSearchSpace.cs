// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML;

/// <summary>
/// The default search space of the LSTM/GRU trainer. Every init value is the cheap start (a small one-layer GRU,
/// two epochs).
/// </summary>
public sealed class LstmSearchSpace
{
    /// <summary>Gets or sets the optimizer.</summary>
    [Choice(new object[] { "Adam", "AdamW", "RmsProp" }, nameof(OptimizerKind.Adam))]
    public string Optimizer { get; set; } = nameof(OptimizerKind.Adam);

    /// <summary>Gets or sets the learning rate, searched on a log scale.</summary>
    [Range(1e-4, 1e-2, 2e-3, true)]
    public double LearningRate { get; set; } = 2e-3;

    /// <summary>Gets or sets the schedule of the learning rate over the epochs.</summary>
    [Choice(new object[] { "Constant", "CosineAnnealing" }, nameof(ScheduleKind.Constant))]
    public string Schedule { get; set; } = nameof(ScheduleKind.Constant);

    /// <summary>Gets or sets the L2 weight decay, searched on a log scale.</summary>
    [Range(1e-6, 1e-2, 1e-6, true)]
    public double WeightDecay { get; set; } = 1e-6;

    /// <summary>Gets or sets the dropout before the output layer.</summary>
    [Range(0.0, 0.5, LstmOptions.Defaults.Dropout, false)]
    public double Dropout { get; set; } = LstmOptions.Defaults.Dropout;

    /// <summary>Gets or sets the spatial dropout of the embeddings.</summary>
    [Range(0.0, 0.4, LstmOptions.Defaults.SpatialDropout, false)]
    public double SpatialDropout { get; set; } = LstmOptions.Defaults.SpatialDropout;

    /// <summary>Gets or sets the batch size.</summary>
    [Choice(new object[] { 32, 64, 128 }, 64)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Gets or sets the recurrent cell.</summary>
    [Choice(new object[] { "Gru", "Lstm" }, "Gru")]
    public string Cell { get; set; } = "Gru";

    /// <summary>Gets or sets the embedding size.</summary>
    [Range(16, 256, 32, true)]
    public int EmbeddingSize { get; set; } = 32;

    /// <summary>Gets or sets the hidden size of the recurrent layers.</summary>
    [Range(16, 256, 32, true)]
    public int HiddenSize { get; set; } = 32;

    /// <summary>Gets or sets the number of recurrent layers.</summary>
    [Range(1, 2, LstmOptions.Defaults.RecurrentLayers, false)]
    public int Layers { get; set; } = LstmOptions.Defaults.RecurrentLayers;

    /// <summary>Gets or sets whether the recurrent layers read both ways.</summary>
    [BooleanChoice(LstmOptions.Defaults.Bidirectional)]
    public bool Bidirectional { get; set; } = LstmOptions.Defaults.Bidirectional;

    /// <summary>Gets or sets how the sequence's states become one vector.</summary>
    [Choice(new object[] { "Mean", "Max", "Last" }, "Mean")]
    public string Pooling { get; set; } = "Mean";

    /// <summary>Gets or sets the epochs.</summary>
    [Range(1, 15, 2, false)]
    public int Epochs { get; set; } = 2;

    /// <summary>Writes the sampled values into the options a trial trains with.</summary>
    internal void ApplyTo(LstmOptions options)
    {
        SearchSpaceValues.ApplyCommon(options, Optimizer, LearningRate, Schedule, WeightDecay, BatchSize, Epochs);
        options.Dropout = Dropout;
        options.SpatialDropout = SpatialDropout;
        options.Cell = SearchSpaceValues.Parse<RecurrentCellKind>(Cell, nameof(Cell));
        options.EmbeddingSize = EmbeddingSize;
        options.HiddenSize = HiddenSize;
        options.RecurrentLayers = Layers;
        options.Bidirectional = Bidirectional;
        options.Pooling = SearchSpaceValues.Parse<SequencePoolingKind>(Pooling, nameof(Pooling));
    }
}
