// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// What one coordinate of the unit cube stands for, so that a tuner can treat it properly.
/// </summary>
public enum FeatureKind
{
    /// <summary>A continuous value: every point of [0, 1] is a different configuration.</summary>
    Continuous,

    /// <summary>An integer: [0, 1] is cut into <see cref="FeatureInfo.Cardinality"/> ordered bins, one per value.</summary>
    Integer,

    /// <summary>A choice: [0, 1] is cut into <see cref="FeatureInfo.Cardinality"/> bins whose order means nothing.</summary>
    Categorical,
}

/// <summary>
/// Describes one coordinate of a search space's unit cube.
/// </summary>
/// <param name="Name">The dotted key path of the option the coordinate belongs to (for example <c>model.lr</c>).</param>
/// <param name="Kind">Whether the coordinate is continuous, an integer or a choice.</param>
/// <param name="Cardinality">The number of distinct values for an integer or a choice; 0 for a continuous one.</param>
public readonly record struct FeatureInfo(string Name, FeatureKind Kind, int Cardinality)
{
    /// <summary>
    /// Gets the feature value at the centre of bin <paramref name="index"/> of a discrete coordinate.
    /// </summary>
    /// <param name="index">The bin, from 0 to <see cref="Cardinality"/> - 1.</param>
    /// <returns>The centre of the bin, in (0, 1).</returns>
    public double BinCentre(int index) => (index + 0.5) / Cardinality;

    /// <summary>Gets the bin that a feature value falls into, for a discrete coordinate.</summary>
    /// <param name="feature">A value in [0, 1].</param>
    /// <returns>The bin index, from 0 to <see cref="Cardinality"/> - 1 (1.0 falls into the last bin).</returns>
    public int BinOf(double feature) => Math.Clamp((int)Math.Floor(feature * Cardinality), 0, Cardinality - 1);
}
