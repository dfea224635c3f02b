// Licensed under the MIT license. See LICENSE in the repository root.

using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// A hyperparameter value: a number, a boolean, a string, an array, or a keyed (nested) set of child parameters.
/// </summary>
/// <remarks>
/// A nested parameter is a dictionary whose keys are kept in ordinal order, the same order the
/// <see cref="SearchSpace"/> uses for its features. <see cref="AsType{T}"/> converts a parameter into an options
/// class, and <see cref="ToJson"/> / <see cref="FromJson"/> round-trip it through JSON.
/// </remarks>
[JsonConverter(typeof(ParameterJsonConverter))]
public sealed class Parameter : IDictionary<string, Parameter>, IEquatable<Parameter>
{
    private readonly object? _value;
    private readonly SortedDictionary<string, Parameter>? _children;

    private Parameter(ParameterType type, object? value)
    {
        ParameterType = type;
        _value = value;
        if (type == ParameterType.Object)
        {
            _children = new SortedDictionary<string, Parameter>(StringComparer.Ordinal);
        }
    }

    /// <summary>Gets the kind of value this parameter holds.</summary>
    public ParameterType ParameterType { get; }

    /// <summary>Gets the raw value: an <see cref="int"/>, <see cref="float"/>, <see cref="double"/>,
    /// <see cref="bool"/>, <see cref="string"/> or a read-only list of parameters; null for a nested parameter.</summary>
    public object? Value => _value;

    /// <summary>Creates a nested parameter with no children yet.</summary>
    /// <returns>An empty parameter of type <see cref="ParameterType.Object"/>.</returns>
    public static Parameter CreateNestedParameter() => new(ParameterType.Object, null);

    /// <summary>Creates a nested parameter from key/value pairs.</summary>
    /// <param name="children">The children; keys must be distinct.</param>
    /// <returns>A parameter of type <see cref="ParameterType.Object"/>.</returns>
    public static Parameter CreateNestedParameter(params IEnumerable<KeyValuePair<string, Parameter>> children)
    {
        var parameter = CreateNestedParameter();
        foreach (var child in children)
        {
            parameter.Add(child.Key, child.Value);
        }

        return parameter;
    }

    /// <summary>Creates a parameter holding a double.</summary>
    /// <param name="value">The value.</param>
    /// <returns>A parameter of type <see cref="ParameterType.Number"/>.</returns>
    public static Parameter FromDouble(double value) => new(ParameterType.Number, value);

    /// <summary>Creates a parameter holding a float.</summary>
    /// <param name="value">The value.</param>
    /// <returns>A parameter of type <see cref="ParameterType.Float"/>.</returns>
    public static Parameter FromFloat(float value) => new(ParameterType.Float, value);

    /// <summary>Creates a parameter holding an integer.</summary>
    /// <param name="value">The value.</param>
    /// <returns>A parameter of type <see cref="ParameterType.Integer"/>.</returns>
    public static Parameter FromInt(int value) => new(ParameterType.Integer, value);

    /// <summary>Creates a parameter holding a boolean.</summary>
    /// <param name="value">The value.</param>
    /// <returns>A parameter of type <see cref="ParameterType.Bool"/>.</returns>
    public static Parameter FromBool(bool value) => new(ParameterType.Bool, value);

    /// <summary>Creates a parameter holding a string.</summary>
    /// <param name="value">The value.</param>
    /// <returns>A parameter of type <see cref="ParameterType.String"/>.</returns>
    public static Parameter FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Parameter(ParameterType.String, value);
    }

    /// <summary>Creates a parameter holding an array of parameters.</summary>
    /// <param name="items">The items, in order.</param>
    /// <returns>A parameter of type <see cref="ParameterType.Array"/>.</returns>
    public static Parameter FromArray(IEnumerable<Parameter> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new Parameter(ParameterType.Array, items.ToArray().AsReadOnly());
    }

    /// <summary>
    /// Creates a parameter from a value: a primitive number, a boolean, a string, an enum (held as its name), an array
    /// or list, a string-keyed dictionary, a <see cref="Parameter"/>, or an object whose public properties and fields
    /// become the children.
    /// </summary>
    /// <param name="value">The value to convert.</param>
    /// <returns>The parameter that holds <paramref name="value"/>.</returns>
    public static Parameter FromObject(object value) => ParameterConversion.FromObject(value);

    /// <summary>Converts this parameter to <typeparamref name="T"/>: a primitive, an enum, an array or list, or an
    /// options class whose public settable properties and fields are filled from the children by name.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <returns>The converted value.</returns>
    public T AsType<T>() => (T)ParameterConversion.ToType(this, typeof(T))!;

    /// <summary>Serialises this parameter to JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Parses a parameter from JSON written by <see cref="ToJson"/> (or any JSON value but null).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The parameter.</returns>
    public static Parameter FromJson(string json) =>
        JsonSerializer.Deserialize<Parameter>(json) ?? throw new JsonException("A parameter cannot be null.");

    /// <inheritdoc/>
    public override string ToString() => ParameterType switch
    {
        ParameterType.Object or ParameterType.Array => ToJson(),
        _ => Convert.ToString(_value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>Gets or sets the child with the given key of a nested parameter.</summary>
    /// <param name="key">The child's key.</param>
    /// <returns>The child parameter.</returns>
    public Parameter this[string key]
    {
        get => Children[key];
        set => Children[key] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets the keys of a nested parameter, in ordinal order.</summary>
    public ICollection<string> Keys => Children.Keys;

    /// <summary>Gets the children of a nested parameter, in key order.</summary>
    public ICollection<Parameter> Values => Children.Values;

    /// <summary>Gets the number of children of a nested parameter (0 for any other kind).</summary>
    public int Count => _children?.Count ?? 0;

    /// <summary>Gets a value that is always false: nested parameters can be changed.</summary>
    public bool IsReadOnly => false;

    private SortedDictionary<string, Parameter> Children => _children ?? throw new InvalidOperationException(
        $"A parameter of type {ParameterType} has no keys; only a nested parameter (type Object) does.");

    /// <summary>Adds a child to a nested parameter.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The child.</param>
    public void Add(string key, Parameter value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Children.Add(key, value);
    }

    /// <summary>Adds a child to a nested parameter.</summary>
    /// <param name="item">The key and the child.</param>
    public void Add(KeyValuePair<string, Parameter> item) => Add(item.Key, item.Value);

    /// <summary>Removes every child of a nested parameter.</summary>
    public void Clear() => Children.Clear();

    /// <summary>Tells whether a nested parameter holds the given key and child.</summary>
    /// <param name="item">The key and the child.</param>
    /// <returns>True when the key is present with an equal child.</returns>
    public bool Contains(KeyValuePair<string, Parameter> item) =>
        _children != null && _children.TryGetValue(item.Key, out var child) && child.Equals(item.Value);

    /// <summary>Tells whether a nested parameter has a child with the given key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when the key is present.</returns>
    public bool ContainsKey(string key) => _children != null && _children.ContainsKey(key);

    /// <summary>Copies the children to an array.</summary>
    /// <param name="array">The destination.</param>
    /// <param name="arrayIndex">Where to start in the destination.</param>
    public void CopyTo(KeyValuePair<string, Parameter>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, Parameter>>)Children).CopyTo(array, arrayIndex);

    /// <summary>Removes a child from a nested parameter.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when a child was removed.</returns>
    public bool Remove(string key) => Children.Remove(key);

    /// <summary>Removes a child from a nested parameter when it matches.</summary>
    /// <param name="item">The key and the child.</param>
    /// <returns>True when a child was removed.</returns>
    public bool Remove(KeyValuePair<string, Parameter> item) => Contains(item) && Children.Remove(item.Key);

    /// <summary>Gets a child of a nested parameter, if present.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The child, or null.</param>
    /// <returns>True when the key is present.</returns>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Parameter value)
    {
        if (_children == null)
        {
            value = null;
            return false;
        }

        return _children.TryGetValue(key, out value);
    }

    /// <summary>Enumerates the children of a nested parameter in key order (nothing for other kinds).</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() =>
        (_children ?? Enumerable.Empty<KeyValuePair<string, Parameter>>()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Compares by value: numbers compare numerically whatever their width, nested parameters key by key.</summary>
    /// <param name="other">The other parameter.</param>
    /// <returns>True when both hold the same value.</returns>
    public bool Equals(Parameter? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (IsNumber && other.IsNumber && (ParameterType == ParameterType.Float || other.ParameterType == ParameterType.Float))
        {
            // A float read back from JSON is a double: compare at float precision.
            return Convert.ToSingle(_value, CultureInfo.InvariantCulture)
                .Equals(Convert.ToSingle(other._value, CultureInfo.InvariantCulture));
        }

        if (IsNumber && other.IsNumber)
        {
            return Convert.ToDouble(_value, CultureInfo.InvariantCulture)
                .Equals(Convert.ToDouble(other._value, CultureInfo.InvariantCulture));
        }

        if (ParameterType != other.ParameterType)
        {
            return false;
        }

        return ParameterType switch
        {
            ParameterType.Object => Count == other.Count && this.All(kv => other.Contains(kv)),
            ParameterType.Array => ((IReadOnlyList<Parameter>)_value!).SequenceEqual((IReadOnlyList<Parameter>)other._value!),
            _ => Equals(_value, other._value),
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Parameter other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ParameterType switch
    {
        ParameterType.Object => Count,
        ParameterType.Array => ((IReadOnlyList<Parameter>)_value!).Count,
        ParameterType.Integer or ParameterType.Float or ParameterType.Number =>
            Convert.ToSingle(_value, CultureInfo.InvariantCulture).GetHashCode(),
        _ => _value!.GetHashCode(),
    };

    internal bool IsNumber => ParameterType is ParameterType.Integer or ParameterType.Float or ParameterType.Number;
}
