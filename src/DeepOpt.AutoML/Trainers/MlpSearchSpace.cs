// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML;

/// <summary>
/// The default search space of the MLP trainer. Every init value is the cheap start (one narrow layer, two epochs).
/// </summary>
/// <remarks>Every hidden layer gets <see cref="Units"/> units.</remarks>
public sealed class MlpSearchSpace
{
    /// <summary>Gets or sets the optimizer.</summary>
    [Choice(new object[] { "Adam", "AdamW", "Nesterov", "RmsProp" }, nameof(OptimizerKind.Adam))]
    public string Optimizer { get; set; } = nameof(OptimizerKind.Adam);

    /// <summary>Gets or sets the learning rate, searched on a log scale.</summary>
    [Range(1e-4, 3e-2, DeepTrainerOptions.Defaults.LearningRate, true)]
    public double LearningRate { get; set; } = DeepTrainerOptions.Defaults.LearningRate;

    /// <summary>Gets or sets the schedule of the learning rate over the epochs.</summary>
    [Choice(new object[] { "Constant", "CosineAnnealing", "Step" }, nameof(ScheduleKind.Constant))]
    public string Schedule { get; set; } = nameof(ScheduleKind.Constant);

    /// <summary>Gets or sets the L2 weight decay, searched on a log scale.</summary>
    [Range(1e-6, 1e-2, 1e-6, true)]
    public double WeightDecay { get; set; } = 1e-6;

    /// <summary>Gets or sets the dropout after each hidden layer.</summary>
    [Range(0.0, 0.5, MlpOptions.Defaults.Dropout, false)]
    public double Dropout { get; set; } = MlpOptions.Defaults.Dropout;

    /// <summary>Gets or sets the batch size.</summary>
    [Choice(new object[] { 32, 64, 128, 256 }, 128)]
    public int BatchSize { get; set; } = 128;

    /// <summary>Gets or sets the number of hidden layers.</summary>
    [Range(1, 3, 1, false)]
    public int Layers { get; set; } = 1;

    /// <summary>Gets or sets the units of each hidden layer.</summary>
    [Range(16, 1024, 64, true)]
    public int Units { get; set; } = 64;

    /// <summary>Gets or sets the activation of the hidden layers.</summary>
    [Choice(new object[] { "Relu", "Gelu", "Tanh" }, nameof(ActivationKind.Relu))]
    public string Activation { get; set; } = nameof(ActivationKind.Relu);

    /// <summary>Gets or sets whether hidden layers normalise their batches.</summary>
    [BooleanChoice(MlpOptions.Defaults.BatchNorm)]
    public bool BatchNorm { get; set; } = MlpOptions.Defaults.BatchNorm;

    /// <summary>Gets or sets the epochs.</summary>
    [Range(1, 40, 2, false)]
    public int Epochs { get; set; } = 2;

    /// <summary>Writes the sampled values into the options a trial trains with.</summary>
    internal void ApplyTo(MlpOptions options)
    {
        SearchSpaceValues.ApplyCommon(options, Optimizer, LearningRate, Schedule, WeightDecay, BatchSize, Epochs);
        options.Dropout = Dropout;
        options.HiddenLayerSizes = Enumerable.Repeat(Units, Layers).ToArray();
        options.Activation = SearchSpaceValues.Parse<ActivationKind>(Activation, nameof(Activation));
        options.BatchNorm = BatchNorm;
    }
}
