// Licensed under the MIT license. See LICENSE in the repository root.

using System.Collections;

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A keyed, possibly nested set of options, mapped as a whole to the unit cube [0, 1]^d.
/// </summary>
/// <remarks>
/// <para>
/// Feature order is stable and documented: keys are sorted with <see cref="StringComparer.Ordinal"/> and each option
/// contributes its <see cref="OptionBase.FeatureSpaceDim"/> coordinates in turn, a nested space depth-first. So
/// <c>{ "b": x, "a": { "z": y, "c": w } }</c> has features (a.c, a.z, b). Adding a key changes the order only
/// around that key.
/// </para>
/// <para>
/// Sampling returns a nested <see cref="Parameter"/> with the same keys; <see cref="Features"/> tells the tuners
/// which coordinates are continuous, integer or categorical.
/// </para>
/// </remarks>
public class SearchSpace : OptionBase, IDictionary<string, OptionBase>
{
    private readonly SortedDictionary<string, OptionBase> _options = new(StringComparer.Ordinal);
    private FeatureInfo[]? _features;
    private string _name = string.Empty;

    /// <summary>Initializes an empty search space.</summary>
    public SearchSpace()
    {
    }

    /// <summary>Initializes a search space from keyed options.</summary>
    /// <param name="options">The options; keys must be distinct.</param>
    public SearchSpace(params IEnumerable<KeyValuePair<string, OptionBase>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, option) in options)
        {
            Add(key, option);
        }
    }

    /// <inheritdoc/>
    public override int FeatureSpaceDim => _options.Values.Sum(o => o.FeatureSpaceDim);

    /// <inheritdoc/>
    public override double[] Default => _options.Values.SelectMany(o => o.Default).ToArray();

    /// <inheritdoc/>
    public override IReadOnlyList<FeatureInfo> Features
    {
        get
        {
            if (_features == null)
            {
                foreach (var (key, option) in _options)
                {
                    option.SetName(_name.Length == 0 ? key : $"{_name}.{key}");
                }

                _features = _options.Values.SelectMany(o => o.Features).ToArray();
            }

            return _features;
        }
    }

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(ReadOnlySpan<double> feature)
    {
        if (feature.Length != FeatureSpaceDim)
        {
            throw new ArgumentException(
                $"The feature vector must have {FeatureSpaceDim} values, but got {feature.Length}.", nameof(feature));
        }

        var parameter = Parameter.CreateNestedParameter();
        int offset = 0;
        foreach (var (key, option) in _options)
        {
            int dim = option.FeatureSpaceDim;
            parameter[key] = option.SampleFromFeatureSpace(feature.Slice(offset, dim));
            offset += dim;
        }

        return parameter;
    }

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var features = new List<double>(FeatureSpaceDim);
        foreach (var (key, option) in _options)
        {
            if (!parameter.TryGetValue(key, out var child))
            {
                throw new ArgumentException($"The parameter has no value for the key '{key}'.", nameof(parameter));
            }

            features.AddRange(option.MappingToFeatureSpace(child));
        }

        return features.ToArray();
    }

    /// <inheritdoc/>
    public override double[][] GridFeatures(int steps) => _options.Values.SelectMany(o => o.GridFeatures(steps)).ToArray();

    /// <inheritdoc/>
    internal override void SetName(string name)
    {
        _name = name;
        _features = null;
    }

    /// <summary>Gets or sets the option with the given key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The option.</returns>
    public OptionBase this[string key]
    {
        get => _options[key];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _options[key] = value;
            _features = null;
        }
    }

    /// <summary>Gets the keys in feature order.</summary>
    public ICollection<string> Keys => _options.Keys;

    /// <summary>Gets the options in feature order.</summary>
    public ICollection<OptionBase> Values => _options.Values;

    /// <summary>Gets the number of keys.</summary>
    public int Count => _options.Count;

    /// <summary>Gets a value that is always false: a search space can be changed until a tuner uses it.</summary>
    public bool IsReadOnly => false;

    /// <summary>Adds an option.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The option.</param>
    public void Add(string key, OptionBase value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _options.Add(key, value);
        _features = null;
    }

    /// <summary>Adds an option.</summary>
    /// <param name="item">The key and the option.</param>
    public void Add(KeyValuePair<string, OptionBase> item) => Add(item.Key, item.Value);

    /// <summary>Removes every option.</summary>
    public void Clear()
    {
        _options.Clear();
        _features = null;
    }

    /// <summary>Tells whether the space holds this key and option.</summary>
    /// <param name="item">The key and the option.</param>
    /// <returns>True when present.</returns>
    public bool Contains(KeyValuePair<string, OptionBase> item) =>
        _options.TryGetValue(item.Key, out var option) && ReferenceEquals(option, item.Value);

    /// <summary>Tells whether the space has an option with this key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when present.</returns>
    public bool ContainsKey(string key) => _options.ContainsKey(key);

    /// <summary>Copies the options to an array.</summary>
    /// <param name="array">The destination.</param>
    /// <param name="arrayIndex">Where to start.</param>
    public void CopyTo(KeyValuePair<string, OptionBase>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, OptionBase>>)_options).CopyTo(array, arrayIndex);

    /// <summary>Removes an option.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when removed.</returns>
    public bool Remove(string key)
    {
        _features = null;
        return _options.Remove(key);
    }

    /// <summary>Removes an option when it matches.</summary>
    /// <param name="item">The key and the option.</param>
    /// <returns>True when removed.</returns>
    public bool Remove(KeyValuePair<string, OptionBase> item) => Contains(item) && Remove(item.Key);

    /// <summary>Gets an option, if present.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The option, or null.</param>
    /// <returns>True when present.</returns>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out OptionBase value) =>
        _options.TryGetValue(key, out value);

    /// <summary>Enumerates the options in feature order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, OptionBase>> GetEnumerator() => _options.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
