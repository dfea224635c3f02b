// Licensed under the MIT license. See LICENSE in the repository root.

using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>Options of the multi-layer perceptron trainers: the layers, plus every engine option.</summary>
public sealed class MlpOptions : DeepTrainerOptions
{
    /// <summary>The default value of each MLP option, written once.</summary>
    public static new class Defaults
    {
        /// <summary>Default of <see cref="HiddenLayerSizes"/>: one hidden layer of 128 units.</summary>
        public static int[] HiddenLayerSizes => [128];
        /// <summary>Default of <see cref="Dropout"/>.</summary>
        public const double Dropout = 0;
        /// <summary>Default of <see cref="BatchNorm"/>.</summary>
        public const bool BatchNorm = false;
    }

    /// <summary>The units of each hidden layer, from input to output.</summary>
    /// <value>Each 1 or more; empty gives a linear model. Default [128].</value>
    public int[] HiddenLayerSizes { get; set; } = Defaults.HiddenLayerSizes;

    /// <summary>The dropout probability after each hidden activation, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double Dropout { get; set; } = Defaults.Dropout;

    /// <summary>Whether each hidden layer is followed by batch normalisation.</summary>
    /// <value>Default false.</value>
    public bool BatchNorm { get; set; } = Defaults.BatchNorm;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (HiddenLayerSizes == null)
        {
            throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), $"`{nameof(HiddenLayerSizes)}` must not be null; use an empty array for a linear model.");
        }

        foreach (var units in HiddenLayerSizes)
        {
            OptionChecks.AtLeast(units, 1, nameof(HiddenLayerSizes));
        }

        OptionChecks.InRange(Dropout, 0, 1, nameof(Dropout));
    }
}
