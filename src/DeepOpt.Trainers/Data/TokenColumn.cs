// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Numerics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// Reads the tokens of a token column's current row: text split by a <see cref="TextTokenizer"/>, or a vector of keys
/// of any unsigned type (Byte, UInt16, UInt32, UInt64), each key as its decimal value and a missing key (0) as an
/// empty token.
/// </summary>
internal static class TokenColumn
{
    /// <summary>Whether a column type is a vector of keys, and the key type.</summary>
    public static bool IsKeyVector(DataViewType type, out KeyDataViewType key)
    {
        key = (type as VectorDataViewType)?.ItemType as KeyDataViewType ?? null!;
        return key != null;
    }

    /// <summary>An action that hands each token of the current row to a handler, in order.</summary>
    /// <param name="row">The row or cursor.</param>
    /// <param name="column">The text or key column.</param>
    /// <param name="tokenizer">How text is split; ignored for keys.</param>
    public static Action<TextTokenizer.TokenHandler> Open(DataViewRow row, DataViewSchema.Column column, TextTokenizer? tokenizer)
    {
        if (column.Type is TextDataViewType)
        {
            var split = tokenizer ?? throw new InvalidOperationException($"Features column '{column.Name}' holds text but no tokenizer was given.");
            var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
            var text = default(ReadOnlyMemory<char>);
            return handler =>
            {
                getter(ref text);
                split.Split(text.Span, handler);
            };
        }

        if (!IsKeyVector(column.Type, out var key))
        {
            throw new InvalidOperationException($"Features column '{column.Name}' holds {column.Type}, neither text nor a vector of keys.");
        }

        return key.RawType == typeof(byte) ? Keys<byte>(row, column)
            : key.RawType == typeof(ushort) ? Keys<ushort>(row, column)
            : key.RawType == typeof(uint) ? Keys<uint>(row, column)
            : Keys<ulong>(row, column);
    }

    private static Action<TextTokenizer.TokenHandler> Keys<T>(DataViewRow row, DataViewSchema.Column column)
        where T : IBinaryInteger<T>
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        var keys = default(VBuffer<T>);
        var digits = new char[20];
        return handler =>
        {
            getter(ref keys);
            foreach (var key in keys.DenseValues())
            {
                int written = 0;
                if (!T.IsZero(key))
                {
                    key.TryFormat(digits, out written, default, CultureInfo.InvariantCulture);
                }

                handler(digits.AsSpan(0, written));
            }
        };
    }
}
