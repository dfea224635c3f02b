// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// The key values of a key-typed label (what <c>MapValueToKey</c> recorded), kept so that PredictedLabel carries them
/// and <c>MapKeyToValue</c> works after the trainer. Stored as invariant strings with their kind for saving.
/// </summary>
internal sealed record LabelKeyValues(string ItemKind, string[] Values)
{
    private const string KeyValuesKind = "KeyValues";

    /// <summary>The key values of a label column, or null when it has none of a supported type.</summary>
    public static LabelKeyValues? From(DataViewSchema.Column label)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull(KeyValuesKind);
        if (annotation is not { } column || column.Type is not VectorDataViewType vector)
        {
            return null;
        }

        return vector.ItemType switch
        {
            TextDataViewType => Read<ReadOnlyMemory<char>>(label, "Text", v => v.ToString()),
            _ when vector.ItemType == NumberDataViewType.Single => Read<float>(label, "Single", v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when vector.ItemType == NumberDataViewType.Double => Read<double>(label, "Double", v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when vector.ItemType == NumberDataViewType.Int32 => Read<int>(label, "Int32", v => v.ToString(CultureInfo.InvariantCulture)),
            _ when vector.ItemType == NumberDataViewType.Int64 => Read<long>(label, "Int64", v => v.ToString(CultureInfo.InvariantCulture)),
            _ when vector.ItemType == NumberDataViewType.UInt32 => Read<uint>(label, "UInt32", v => v.ToString(CultureInfo.InvariantCulture)),
            BooleanDataViewType => Read<bool>(label, "Boolean", v => v ? "true" : "false"),
            _ => null,
        };
    }

    /// <summary>
    /// Stand-in key values with the item type of a label's KeyValues annotation, for estimator-level shapes, which
    /// record only that an annotation of that type exists, not its values.
    /// </summary>
    public static LabelKeyValues? ForShape(SchemaShape.Column label)
    {
        var annotation = label.Annotations?.FirstOrDefault(c => c.Name == KeyValuesKind);
        if (annotation is not { Name: not null } column)
        {
            return null;
        }

        string? kind = column.ItemType switch
        {
            TextDataViewType => "Text",
            _ when column.ItemType == NumberDataViewType.Single => "Single",
            _ when column.ItemType == NumberDataViewType.Double => "Double",
            _ when column.ItemType == NumberDataViewType.Int32 => "Int32",
            _ when column.ItemType == NumberDataViewType.Int64 => "Int64",
            _ when column.ItemType == NumberDataViewType.UInt32 => "UInt32",
            BooleanDataViewType => "Boolean",
            _ => null,
        };
        return kind == null ? null : new LabelKeyValues(kind, new[] { "0", "1" });
    }

    /// <summary>Adds the key values to an annotation builder (as KeyValues, or SlotNames for a score vector).</summary>
    public void AddTo(DataViewSchema.Annotations.Builder builder, string kind)
    {
        switch (ItemKind)
        {
            case "Text": Add(builder, kind, TextDataViewType.Instance, Values.Select(v => v.AsMemory()).ToArray()); break;
            case "Single": Add(builder, kind, NumberDataViewType.Single, Values.Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()); break;
            case "Double": Add(builder, kind, NumberDataViewType.Double, Values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()); break;
            case "Int32": Add(builder, kind, NumberDataViewType.Int32, Values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()); break;
            case "Int64": Add(builder, kind, NumberDataViewType.Int64, Values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray()); break;
            case "UInt32": Add(builder, kind, NumberDataViewType.UInt32, Values.Select(v => uint.Parse(v, CultureInfo.InvariantCulture)).ToArray()); break;
            default: Add(builder, kind, BooleanDataViewType.Instance, Values.Select(v => v == "true").ToArray()); break;
        }
    }

    private static LabelKeyValues Read<T>(DataViewSchema.Column label, string kind, Func<T, string> format)
    {
        var buffer = default(VBuffer<T>);
        label.Annotations.GetValue(KeyValuesKind, ref buffer);
        return new LabelKeyValues(kind, buffer.DenseValues().Select(format).ToArray());
    }

    private static void Add<T>(DataViewSchema.Annotations.Builder builder, string kind, PrimitiveDataViewType itemType, T[] values)
    {
        ValueGetter<VBuffer<T>> getter = (ref VBuffer<T> dst) => dst = new VBuffer<T>(values.Length, (T[])values.Clone());
        builder.Add(kind, new VectorDataViewType(itemType, values.Length), getter);
    }
}
