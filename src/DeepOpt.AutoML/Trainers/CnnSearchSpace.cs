// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML;

/// <summary>
/// The default search space of the CNN trainer: what a practitioner tunes first. Every init value is the cheap start
/// that cost-frugal search begins from (few filters, two blocks, two epochs, no augmentation).
/// </summary>
/// <remarks>
/// Build the space with <c>new SearchSpace&lt;CnnSearchSpace&gt;()</c>, change an option with its indexer (for example
/// <c>space["Epochs"] = new UniformIntOption(5, 30)</c>), or fix it with a one-candidate choice
/// (<c>space["Epochs"] = new ChoiceOption(10)</c>). Block b has <c>Filters · 2^b</c> filters, as in the seed network.
/// </remarks>
public sealed class CnnSearchSpace
{
    /// <summary>Gets or sets the optimizer.</summary>
    [Choice(new object[] { "Adam", "AdamW", "Nesterov", "RmsProp" }, nameof(OptimizerKind.Adam))]
    public string Optimizer { get; set; } = nameof(OptimizerKind.Adam);

    /// <summary>Gets or sets the learning rate, searched on a log scale.</summary>
    [Range(1e-4, 1e-2, DeepTrainerOptions.Defaults.LearningRate, true)]
    public double LearningRate { get; set; } = DeepTrainerOptions.Defaults.LearningRate;

    /// <summary>Gets or sets the schedule of the learning rate over the epochs.</summary>
    [Choice(new object[] { "Constant", "CosineAnnealing", "Step" }, nameof(ScheduleKind.Constant))]
    public string Schedule { get; set; } = nameof(ScheduleKind.Constant);

    /// <summary>Gets or sets the L2 weight decay, searched on a log scale.</summary>
    [Range(1e-6, 1e-2, 1e-6, true)]
    public double WeightDecay { get; set; } = 1e-6;

    /// <summary>Gets or sets the dropout before the output layer.</summary>
    [Range(0.0, 0.5, CnnOptions.Defaults.Dropout, false)]
    public double Dropout { get; set; } = CnnOptions.Defaults.Dropout;

    /// <summary>Gets or sets the batch size.</summary>
    [Choice(new object[] { 64, 128, 256 }, 128)]
    public int BatchSize { get; set; } = 128;

    /// <summary>Gets or sets the filters of the first block; each later block doubles them.</summary>
    /// <remarks>Multiples of 8, so that every block after the first has a multiple of 16 filters, the widths oneDNN's
    /// vectorised kernels run at full speed.</remarks>
    [Choice(new object[] { 8, 16, 24, 32, 48, 64 }, 16)]
    public int Filters { get; set; } = 16;

    /// <summary>Gets or sets the number of convolution blocks.</summary>
    [Range(1, 3, 2, false)]
    public int Blocks { get; set; } = 2;

    /// <summary>Gets or sets the units of the dense layer before the output.</summary>
    [Range(32, 512, 64, true)]
    public int DenseUnits { get; set; } = 64;

    /// <summary>Gets or sets whether blocks normalise their batches.</summary>
    [BooleanChoice(CnnOptions.Defaults.BatchNorm)]
    public bool BatchNorm { get; set; } = CnnOptions.Defaults.BatchNorm;

    /// <summary>Gets or sets whether training images are flipped left-right at random.</summary>
    [BooleanChoice(CnnOptions.Defaults.RandomHorizontalFlip)]
    public bool RandomHorizontalFlip { get; set; } = CnnOptions.Defaults.RandomHorizontalFlip;

    /// <summary>Gets or sets the padding of the random crop (a random shift by up to this many pixels); 0 turns it off.</summary>
    [Choice(new object[] { 0, 2, 4 }, CnnOptions.Defaults.RandomCropPadding)]
    public int RandomCropPadding { get; set; } = CnnOptions.Defaults.RandomCropPadding;

    /// <summary>Gets or sets the epochs.</summary>
    [Range(1, 30, 2, false)]
    public int Epochs { get; set; } = 2;

    /// <summary>Writes the sampled values into the options a trial trains with.</summary>
    internal void ApplyTo(CnnOptions options)
    {
        SearchSpaceValues.ApplyCommon(options, Optimizer, LearningRate, Schedule, WeightDecay, BatchSize, Epochs);
        options.Dropout = Dropout;
        options.ConvFilters = Enumerable.Range(0, Blocks).Select(b => Filters << b).ToArray();
        options.DenseUnits = DenseUnits;
        options.BatchNorm = BatchNorm;
        options.RandomHorizontalFlip = RandomHorizontalFlip;
        options.RandomCropPadding = RandomCropPadding;
    }
}
