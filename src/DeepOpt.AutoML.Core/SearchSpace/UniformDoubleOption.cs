// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A double option on [min, max], linear or logarithmic. Feature 0 is <see cref="UniformNumericOption.Min"/> and
/// feature 1 is <see cref="UniformNumericOption.Max"/>.
/// </summary>
public sealed class UniformDoubleOption : UniformNumericOption
{
    private readonly double[] _default;

    /// <summary>Initializes a double option.</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound.</param>
    /// <param name="logBase">True to search on a logarithmic scale (then <paramref name="min"/> must be positive).</param>
    /// <param name="defaultValue">The init value, or null to start at <paramref name="min"/>.</param>
    public UniformDoubleOption(double min, double max, bool logBase = false, double? defaultValue = null)
        : base(min, max, logBase, max, FeatureKind.Continuous, 0)
    {
        _default = [defaultValue is { } init ? ToFeature(CheckInit(init)) : 0.0];
    }

    /// <inheritdoc/>
    public override double[] Default => (double[])_default.Clone();

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(ReadOnlySpan<double> feature) =>
        Parameter.FromDouble(Math.Clamp(ToContinuous(feature[0]), Min, Max));

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => [ToFeature(parameter.AsType<double>())];

    /// <inheritdoc/>
    public override double[][] GridFeatures(int steps) => [Linspace(steps)];

    internal static double[] Linspace(int steps)
    {
        steps = Math.Max(2, steps);
        return Enumerable.Range(0, steps).Select(i => (double)i / (steps - 1)).ToArray();
    }
}
