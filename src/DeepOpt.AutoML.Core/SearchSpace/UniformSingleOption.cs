// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A float option on [min, max], linear or logarithmic. Feature 0 is <see cref="UniformNumericOption.Min"/> and
/// feature 1 is <see cref="UniformNumericOption.Max"/>.
/// </summary>
public sealed class UniformSingleOption : UniformNumericOption
{
    private readonly double[] _default;

    /// <summary>Initializes a float option.</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound.</param>
    /// <param name="logBase">True to search on a logarithmic scale (then <paramref name="min"/> must be positive).</param>
    /// <param name="defaultValue">The init value, or null to start at <paramref name="min"/>.</param>
    public UniformSingleOption(float min, float max, bool logBase = false, float? defaultValue = null)
        : base(min, max, logBase, max, FeatureKind.Continuous, 0)
    {
        _default = [defaultValue is { } init ? ToFeature(CheckInit(init)) : 0.0];
    }

    /// <inheritdoc/>
    public override double[] Default => (double[])_default.Clone();

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(ReadOnlySpan<double> feature) =>
        Parameter.FromFloat(Math.Clamp((float)ToContinuous(feature[0]), (float)Min, (float)Max));

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => [ToFeature(parameter.AsType<float>())];

    /// <inheritdoc/>
    public override double[][] GridFeatures(int steps) => [UniformDoubleOption.Linspace(steps)];
}
