// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// One option of a search space, or a whole (nested) space: a map between its values and the unit cube [0, 1]^d.
/// </summary>
/// <remarks>
/// Tuners work on features, never on values: <see cref="SampleFromFeatureSpace"/> turns a point of the cube into a
/// <see cref="Parameter"/> and <see cref="MappingToFeatureSpace"/> turns it back. For every value v of the option,
/// <c>SampleFromFeatureSpace(MappingToFeatureSpace(v))</c> equals v.
/// </remarks>
public abstract class OptionBase
{
    /// <summary>Gets the number of coordinates this option takes in the unit cube.</summary>
    public abstract int FeatureSpaceDim { get; }

    /// <summary>Gets the feature vector of the option's default: its init value when it has one, else the lower
    /// bound (feature 0) of a numeric option and the first candidate of a choice.</summary>
    public abstract double[] Default { get; }

    /// <summary>Gets what each coordinate stands for, in feature order.</summary>
    public abstract IReadOnlyList<FeatureInfo> Features { get; }

    /// <summary>Turns a point of the unit cube into a value.</summary>
    /// <param name="feature">A vector of <see cref="FeatureSpaceDim"/> numbers in [0, 1]; values outside are clamped.</param>
    /// <returns>The value at that point.</returns>
    public abstract Parameter SampleFromFeatureSpace(ReadOnlySpan<double> feature);

    /// <summary>Turns a value of this option into its point of the unit cube.</summary>
    /// <param name="parameter">A value of this option.</param>
    /// <returns>A vector of <see cref="FeatureSpaceDim"/> numbers in [0, 1].</returns>
    public abstract double[] MappingToFeatureSpace(Parameter parameter);

    /// <summary>Gets the features of a grid over this option: per coordinate, the values a grid search visits.</summary>
    /// <param name="steps">How many points a continuous coordinate gets, both bounds included (at least 2).</param>
    /// <returns>One array of feature values per coordinate.</returns>
    public abstract double[][] GridFeatures(int steps);

    /// <summary>Sets the name used in <see cref="Features"/>.</summary>
    /// <param name="name">The dotted key path.</param>
    internal abstract void SetName(string name);

    /// <summary>Clamps a feature into [0, 1], mapping NaN to 0.</summary>
    /// <param name="x">The feature.</param>
    /// <returns>The clamped feature.</returns>
    protected static double Clamp01(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0.0, 1.0);
}
