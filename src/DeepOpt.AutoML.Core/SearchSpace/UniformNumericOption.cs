// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A numeric option on [min, max], linear or logarithmic, that takes one coordinate of the unit cube.
/// </summary>
public abstract class UniformNumericOption : OptionBase
{
    private readonly double _low;
    private readonly double _high;
    private FeatureInfo _info;

    /// <summary>Initializes the option.</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound, greater than <paramref name="min"/>.</param>
    /// <param name="logBase">True to search on a logarithmic scale; then <paramref name="min"/> must be positive.</param>
    /// <param name="upperEdge">The value that feature 1 maps to (above <paramref name="max"/> for integers, so that
    /// <paramref name="max"/> gets a bin as wide as the others).</param>
    /// <param name="kind">The feature kind.</param>
    /// <param name="cardinality">The number of distinct values, for integers.</param>
    private protected UniformNumericOption(double min, double max, bool logBase, double upperEdge, FeatureKind kind, int cardinality)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || double.IsInfinity(min) || double.IsInfinity(max))
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"The bounds must be finite, but got [{min}, {max}].");
        }

        if (!(max > min))
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"`max` must be greater than `min`, but got min = {min}, max = {max}.");
        }

        if (logBase && min <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(min),
                $"`min` must be positive on a log scale, but got {min}. Use a positive lower bound or set logBase to false.");
        }

        Min = min;
        Max = max;
        LogBase = logBase;
        _low = logBase ? Math.Log(min) : min;
        _high = logBase ? Math.Log(upperEdge) : upperEdge;
        _info = new FeatureInfo(string.Empty, kind, cardinality);
    }

    /// <summary>Gets the lower bound.</summary>
    public double Min { get; }

    /// <summary>Gets the upper bound.</summary>
    public double Max { get; }

    /// <summary>Gets a value indicating whether the option is searched on a logarithmic scale.</summary>
    public bool LogBase { get; }

    /// <inheritdoc/>
    public override int FeatureSpaceDim => 1;

    /// <inheritdoc/>
    public override IReadOnlyList<FeatureInfo> Features => [_info];

    /// <inheritdoc/>
    internal override void SetName(string name) => _info = _info with { Name = name };

    /// <summary>Maps a feature in [0, 1] to the continuous value before any rounding.</summary>
    /// <param name="feature">The feature.</param>
    /// <returns>The continuous value.</returns>
    protected double ToContinuous(double feature)
    {
        double t = _low + (Clamp01(feature) * (_high - _low));
        return LogBase ? Math.Exp(t) : t;
    }

    /// <summary>Maps a continuous value back to its feature in [0, 1].</summary>
    /// <param name="value">The value.</param>
    /// <returns>The feature.</returns>
    protected double ToFeature(double value)
    {
        double t = LogBase ? Math.Log(value) : value;
        return Clamp01((t - _low) / (_high - _low));
    }

    /// <summary>Checks that an init value lies within the bounds.</summary>
    /// <param name="init">The init value.</param>
    /// <returns>The value.</returns>
    private protected double CheckInit(double init)
    {
        if (!(init >= Min && init <= Max))
        {
            throw new ArgumentOutOfRangeException(nameof(init), $"`init` must be in [{Min}, {Max}], but got {init}.");
        }

        return init;
    }
}
