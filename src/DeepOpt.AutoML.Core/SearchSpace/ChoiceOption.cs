// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A choice among candidate values of any kind (numbers, strings, booleans, enums, arrays).
/// </summary>
/// <remarks>
/// A choice takes one coordinate, cut into equal bins in candidate order, and reports itself as
/// <see cref="FeatureKind.Categorical"/> so that tuners do not read the bin order as a distance: the model-based tuners
/// encode it one-hot and the local search resamples it instead of stepping along it.
/// </remarks>
public sealed class ChoiceOption : OptionBase
{
    private readonly Parameter[] _choices;
    private readonly int _defaultIndex;
    private FeatureInfo _info;

    /// <summary>Initializes a choice whose default is the first candidate.</summary>
    /// <param name="choices">The candidates, at least one, all distinct.</param>
    public ChoiceOption(params object[] choices)
        : this(choices, null)
    {
    }

    /// <summary>Initializes a choice.</summary>
    /// <param name="choices">The candidates, at least one, all distinct.</param>
    /// <param name="defaultChoice">The init candidate, or null for the first one.</param>
    public ChoiceOption(object[] choices, object? defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(choices), "A choice needs at least one candidate, but got none.");
        }

        _choices = choices.Select(Parameter.FromObject).ToArray();
        if (_choices.Distinct().Count() != _choices.Length)
        {
            throw new ArgumentException("The candidates of a choice must be distinct.", nameof(choices));
        }

        _defaultIndex = defaultChoice is null ? 0 : IndexOf(Parameter.FromObject(defaultChoice));
        _info = new FeatureInfo(string.Empty, FeatureKind.Categorical, _choices.Length);
    }

    /// <summary>Gets the candidates, in order.</summary>
    public IReadOnlyList<Parameter> Choices => _choices;

    /// <inheritdoc/>
    public override int FeatureSpaceDim => 1;

    /// <inheritdoc/>
    public override double[] Default => [_info.BinCentre(_defaultIndex)];

    /// <inheritdoc/>
    public override IReadOnlyList<FeatureInfo> Features => [_info];

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(ReadOnlySpan<double> feature) =>
        _choices[_info.BinOf(Clamp01(feature[0]))];

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => [_info.BinCentre(IndexOf(parameter))];

    /// <inheritdoc/>
    public override double[][] GridFeatures(int steps) =>
        [Enumerable.Range(0, _choices.Length).Select(_info.BinCentre).ToArray()];

    /// <inheritdoc/>
    internal override void SetName(string name) => _info = _info with { Name = name };

    private int IndexOf(Parameter value)
    {
        int index = Array.IndexOf(_choices, value);
        if (index < 0 && value.ParameterType == ParameterType.String)
        {
            // An enum candidate is held by name; accept any casing of it.
            index = Array.FindIndex(_choices, c => c.ParameterType == ParameterType.String
                && string.Equals((string)c.Value!, (string)value.Value!, StringComparison.OrdinalIgnoreCase));
        }

        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value),
                $"The value {value} is not one of the candidates [{string.Join(", ", _choices.Select(c => c.ToString()))}].");
        }

        return index;
    }
}
