// Licensed under the MIT license. See LICENSE in the repository root.

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepOpt.AutoML.SearchSpace;

/// <summary>
/// Reads and writes a <see cref="Parameter"/> as plain JSON: numbers, booleans, strings, arrays and objects.
/// </summary>
/// <remarks>
/// JSON has one number type, so a number read back is an <see cref="ParameterType.Integer"/> when it is written
/// without a fraction or exponent and fits an <see cref="int"/>, and a <see cref="ParameterType.Number"/> otherwise.
/// <see cref="Parameter.AsType{T}"/> converts either to the declared type, so options round-trip exactly; doubles are
/// written in their shortest round-trip form.
/// </remarks>
public sealed class ParameterJsonConverter : JsonConverter<Parameter>
{
    /// <inheritdoc/>
    public override Parameter Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.True:
                return Parameter.FromBool(true);
            case JsonTokenType.False:
                return Parameter.FromBool(false);
            case JsonTokenType.String:
                return Parameter.FromString(reader.GetString()!);
            case JsonTokenType.StartArray:
                var items = new List<Parameter>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref reader, typeToConvert, options));
                }

                return Parameter.FromArray(items);
            case JsonTokenType.StartObject:
                var nested = Parameter.CreateNestedParameter();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string key = reader.GetString()!;
                    reader.Read();
                    nested[key] = Read(ref reader, typeToConvert, options);
                }

                return nested;
            default:
                throw new JsonException($"A parameter cannot be read from a JSON {reader.TokenType}.");
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Parameter value, JsonSerializerOptions options)
    {
        switch (value.ParameterType)
        {
            case ParameterType.Integer:
                writer.WriteNumberValue((int)value.Value!);
                break;
            case ParameterType.Float:
                writer.WriteNumberValue((float)value.Value!);
                break;
            case ParameterType.Number:
                writer.WriteNumberValue((double)value.Value!);
                break;
            case ParameterType.Bool:
                writer.WriteBooleanValue((bool)value.Value!);
                break;
            case ParameterType.String:
                writer.WriteStringValue((string)value.Value!);
                break;
            case ParameterType.Array:
                writer.WriteStartArray();
                foreach (var item in (IReadOnlyList<Parameter>)value.Value!)
                {
                    Write(writer, item, options);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var child in value)
                {
                    writer.WritePropertyName(child.Key);
                    Write(writer, child.Value, options);
                }

                writer.WriteEndObject();
                break;
        }
    }

    private static Parameter ReadNumber(ref Utf8JsonReader reader)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
        bool integral = Array.IndexOf(raw, (byte)'.') < 0 && Array.IndexOf(raw, (byte)'e') < 0
            && Array.IndexOf(raw, (byte)'E') < 0;
        return integral && reader.TryGetInt32(out int i) ? Parameter.FromInt(i) : Parameter.FromDouble(reader.GetDouble());
    }
}
