// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Serving;

/// <summary>
/// One request as a row with the model's input schema, for the model's row-to-row mapper (what PredictionEngine uses):
/// the columns the JSON body names take its values (a known-size float vector from an array of numbers, text from a
/// string, a number or a Boolean); the others (a label, for instance) take their default, which scoring never reads.
/// </summary>
internal sealed class RequestRow : DataViewRow
{
    private readonly Delegate[] _getters;

    private RequestRow(DataViewSchema schema, Delegate[] getters)
    {
        Schema = schema;
        _getters = getters;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => 0;

    public override long Batch => 0;

    /// <summary>
    /// Reads the body against <paramref name="schema"/>; <paramref name="features"/> are the columns a request must send.
    /// </summary>
    /// <exception cref="BadRequestException">The body is not such an object, or a value does not fit its column.</exception>
    public static RequestRow Parse(JsonElement body, DataViewSchema schema, IReadOnlyCollection<string> features)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException($"A row must be a JSON object with {Describe(schema, features)}.");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (schema.GetColumnOrNull(property.Name) == null)
            {
                throw new BadRequestException($"Unknown column '{property.Name}'. Send {Describe(schema, features)}.");
            }
        }

        var getters = new Delegate[schema.Count];
        foreach (var column in schema)
        {
            bool sent = body.TryGetProperty(column.Name, out var value);
            if (!sent && features.Contains(column.Name))
            {
                throw new BadRequestException($"Column '{column.Name}' is missing. Send {Describe(schema, features)}.");
            }

            getters[column.Index] = Getter(column, sent ? value : (JsonElement?)null);
        }

        return new RequestRow(schema, getters);
    }

    /// <summary>What a request must hold, as a sentence part: "'Pixels' (an array of 64 numbers)".</summary>
    public static string Describe(DataViewSchema schema, IEnumerable<string> features) =>
        string.Join(" and ", features.Select(name => $"'{name}' ({Kind(schema[name].Type)})"));

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => (ValueGetter<TValue>)_getters[column.Index];

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId dst) => dst = default;

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    private static string Kind(DataViewType type) => type switch
    {
        VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } vector => $"an array of {vector.Size} numbers",
        TextDataViewType => "a string",
        BooleanDataViewType => "true or false",
        _ => "a number",
    };

    private static Delegate Getter(DataViewSchema.Column column, JsonElement? value)
    {
        switch (column.Type)
        {
            case VectorDataViewType { ItemType: var item, Size: > 0 } vector when item == NumberDataViewType.Single:
                var numbers = value is { } array ? Numbers(column.Name, array, vector.Size) : new float[vector.Size];
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => dst = new VBuffer<float>(numbers.Length, numbers));
            case TextDataViewType:
                string text = value is { } s ? (s.ValueKind == JsonValueKind.String ? s.GetString()! : throw Wrong(column)) : "";
                return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = text.AsMemory());
            case BooleanDataViewType:
                bool flag = value is { } b && (b.ValueKind is JsonValueKind.True or JsonValueKind.False ? b.GetBoolean() : throw Wrong(column));
                return (ValueGetter<bool>)((ref bool dst) => dst = flag);
            case NumberDataViewType when column.Type == NumberDataViewType.Single:
                float number = value is { } n ? (n.ValueKind == JsonValueKind.Number ? n.GetSingle() : throw Wrong(column)) : 0f;
                return (ValueGetter<float>)((ref float dst) => dst = number);
            default:
                return value is null
                    ? DefaultGetter(column.Type.RawType)
                    : throw new BadRequestException($"Column '{column.Name}' has type {column.Type}, which this server does not read from JSON.");
        }
    }

    /// <summary>The finite numbers of a JSON array of exactly <paramref name="size"/> values, for column <paramref name="column"/>.</summary>
    /// <exception cref="BadRequestException">Not such an array.</exception>
    public static float[] Numbers(string column, JsonElement array, int size)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != size)
        {
            throw new BadRequestException($"Column '{column}' must be an array of {size} numbers, but got {(array.ValueKind == JsonValueKind.Array ? $"{array.GetArrayLength()} values" : array.ValueKind.ToString().ToLowerInvariant())}.");
        }

        var numbers = new float[size];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            numbers[i++] = item.ValueKind == JsonValueKind.Number && item.TryGetSingle(out float x) && float.IsFinite(x)
                ? x
                : throw new BadRequestException($"Column '{column}': value {i - 1} is {item.GetRawText()}, not a finite number.");
        }

        return numbers;
    }

    private static BadRequestException Wrong(DataViewSchema.Column column) =>
        new($"Column '{column.Name}' must be {Kind(column.Type)}.");

    private static Delegate DefaultGetter(Type raw) =>
        (Delegate)typeof(RequestRow).GetMethod(nameof(Default), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(raw).Invoke(null, null)!;

    private static ValueGetter<T> Default<T>() => (ref T dst) => dst = default!;
}

/// <summary>A request the server answers with 400 and this message.</summary>
internal sealed class BadRequestException(string message) : Exception(message);
