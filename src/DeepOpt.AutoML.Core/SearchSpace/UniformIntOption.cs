// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// An integer option on [min, max], both bounds included, linear or logarithmic.
/// </summary>
/// <remarks>
/// The value is the floor of a continuous value on [min, max + 1), so every integer, <c>max</c> included, owns a bin
/// of the feature axis (on a log scale the bins shrink as the values grow). A value maps back to the centre of its bin
/// (in log space for a log option), so the round trip is exact.
/// </remarks>
public sealed class UniformIntOption : UniformNumericOption
{
    private readonly double[] _default;

    /// <summary>Initializes an integer option.</summary>
    /// <param name="min">The lower bound, included.</param>
    /// <param name="max">The upper bound, included.</param>
    /// <param name="logBase">True to search on a logarithmic scale (then <paramref name="min"/> must be positive).</param>
    /// <param name="defaultValue">The init value, or null to start at <paramref name="min"/>.</param>
    public UniformIntOption(int min, int max, bool logBase = false, int? defaultValue = null)
        : base(min, max, logBase, (double)max + 1, FeatureKind.Integer, max - min + 1)
    {
        _default = [defaultValue is { } init ? CentreOf((int)CheckInit(init)) : 0.0];
    }

    /// <inheritdoc/>
    public override double[] Default => (double[])_default.Clone();

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(ReadOnlySpan<double> feature) =>
        Parameter.FromInt((int)Math.Clamp(Math.Floor(ToContinuous(feature[0])), Min, Max));

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => [CentreOf(parameter.AsType<int>())];

    /// <inheritdoc/>
    public override double[][] GridFeatures(int steps)
    {
        int count = (int)(Max - Min + 1);
        if (count <= Math.Max(2, steps))
        {
            return [Enumerable.Range((int)Min, count).Select(CentreOf).ToArray()];
        }

        // Evenly spaced on the feature axis, ends included; distinct integers only.
        return [UniformDoubleOption.Linspace(steps)
            .Select(f => CentreOf(SampleFromFeatureSpace([f]).AsType<int>()))
            .Distinct()
            .ToArray()];
    }

    private double CentreOf(int value)
    {
        int v = (int)Math.Clamp(value, Min, Max);
        return LogBase
            ? ToFeature(Math.Sqrt((double)v * (v + 1)))
            : ToFeature(v + 0.5);
    }
}
