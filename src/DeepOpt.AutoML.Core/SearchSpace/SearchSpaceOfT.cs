// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A search space built from an options class annotated with ML.NET's search-space attributes, so a class written
/// for ML.NET AutoML works unchanged.
/// </summary>
/// <typeparam name="T">The options class: public properties and fields marked with
/// <see cref="RangeAttribute"/>, <see cref="ChoiceAttribute"/>, <see cref="BooleanChoiceAttribute"/> or
/// <see cref="NestOptionAttribute"/> become options under their member names; other members are left out.</typeparam>
/// <remarks>
/// A <c>[Range]</c> with <see cref="int"/> bounds gives a <see cref="UniformIntOption"/>, with <see cref="float"/>
/// bounds a <see cref="UniformSingleOption"/> and with <see cref="double"/> bounds a <see cref="UniformDoubleOption"/>;
/// its init is the option's default. A <c>[BooleanChoice]</c> is a choice of (false, true). A <c>[NestOption]</c>
/// member becomes a nested space built from its own type. Convert a sampled <see cref="Parameter"/> back with
/// <see cref="Parameter.AsType{T}"/>.
/// </remarks>
public sealed class SearchSpace<T> : SearchSpace
    where T : class, new()
{
    /// <summary>Initializes the space from the attributes of <typeparamref name="T"/>.</summary>
    public SearchSpace()
        : base(AttributeOptions.Build(typeof(T), null))
    {
    }

    /// <summary>Initializes the space from the attributes of <typeparamref name="T"/>, with each option's default
    /// taken from <paramref name="defaultOption"/> instead of the attribute.</summary>
    /// <param name="defaultOption">An instance whose member values become the defaults (the cheap start).</param>
    public SearchSpace(T defaultOption)
        : base(AttributeOptions.Build(typeof(T), defaultOption ?? throw new ArgumentNullException(nameof(defaultOption))))
    {
    }

    /// <summary>Turns a point of the unit cube into an instance of <typeparamref name="T"/>.</summary>
    /// <param name="feature">A vector of <see cref="SearchSpace.FeatureSpaceDim"/> numbers in [0, 1].</param>
    /// <returns>The options at that point.</returns>
    public T SampleTyped(ReadOnlySpan<double> feature) => SampleFromFeatureSpace(feature).AsType<T>();
}
