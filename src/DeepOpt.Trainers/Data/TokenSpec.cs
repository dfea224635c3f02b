// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>Where token sequences come from.</summary>
internal enum TokenSource
{
    /// <summary>A text column, tokenised and mapped through a <see cref="DeepOpt.Trainers.Vocabulary"/>.</summary>
    Text,

    /// <summary>A vector of keys of Byte, UInt16, UInt32 or UInt64, mapped through a vocabulary of the keys training used.</summary>
    Keys,
}

/// <summary>
/// How a token column becomes a row of <see cref="FeatureSpec.Size"/> token ids stored as floats (exact below 2^24):
/// ids of the tokens, truncated and padded with <see cref="Vocabulary.PaddingId"/> on the chosen sides.
/// </summary>
/// <param name="Source">Text or keys.</param>
/// <param name="IdCount">The ids the embedding holds: padding, out-of-vocabulary, and one per token of the vocabulary.</param>
/// <param name="Truncation">Which end of a long sequence loses tokens.</param>
/// <param name="Padding">Which end of a short sequence gets padding.</param>
/// <param name="Vocabulary">The tokens training used; null before it is built, and in models saved before key columns had one (key k was id k + 1).</param>
/// <param name="KeyCount">The key type's count, for a key column (0 in models saved before it was recorded).</param>
internal sealed record TokenSpec(TokenSource Source, int IdCount, SequenceSide Truncation, SequenceSide Padding, Vocabulary? Vocabulary, ulong KeyCount = 0)
{
    /// <summary>Ids are stored as floats, which hold integers exactly up to 2^24.</summary>
    public const int MaxIds = 1 << 24;

    private static readonly Type[] s_keyTypes = [typeof(byte), typeof(ushort), typeof(uint), typeof(ulong)];

    /// <summary>Whether a column of this estimator-level shape holds tokens.</summary>
    public static bool Accepts(SchemaShape.Column column) =>
        (column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType is TextDataViewType)
        || (column.Kind != SchemaShape.Column.VectorKind.Scalar && column.IsKey && s_keyTypes.Contains(column.ItemType.RawType));

    /// <summary>The spec of a token column, its vocabulary still to build; null when the column holds no tokens.</summary>
    public static FeatureSpec? FromColumn(DataViewSchema.Column column, LstmOptions options)
    {
        if (column.Type is TextDataViewType)
        {
            return new FeatureSpec(column.Name, options.MaxSequenceLength, null, new TokenSpec(TokenSource.Text, 0, options.Truncation, options.Padding, null));
        }

        return TokenColumn.IsKeyVector(column.Type, out var key)
            ? new FeatureSpec(column.Name, options.MaxSequenceLength, null, new TokenSpec(TokenSource.Keys, 0, options.Truncation, options.Padding, null, key.Count))
            : null;
    }

    /// <summary>Builds the vocabulary of a token column from the training data.</summary>
    public static FeatureSpec Fit(IDataView data, FeatureSpec spec, LstmOptions options, string what)
    {
        var tokens = spec.Tokens!;
        bool text = tokens.Source == TokenSource.Text;

        // The split settings are written once: the tokenizer that counts and the saved vocabulary come from them.
        var split = text
            ? new Vocabulary([], options.LowerCase, options.Tokenization, options.CharacterNGramLength, options.WordNGramLength)
            : new Vocabulary([], lowerCase: false);
        var words = Vocabulary.Count(data, data.Schema[spec.ColumnName], text ? split.CreateTokenizer() : null, options.MaxVocabularySize, options.MinFrequency, out long count);
        if (count > 0 && words.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LstmOptions.MinFrequency), options.MinFrequency, $"No token of features column '{spec.ColumnName}' occurs `MinFrequency` ({options.MinFrequency}) times in the {what}, so the vocabulary is empty. Lower `MinFrequency`.");
        }

        var vocabulary = split.WithWords(words);
        return spec with { Tokens = tokens with { IdCount = vocabulary.IdCount, Vocabulary = vocabulary } };
    }

    /// <summary>The key type's count, also for models saved before it was recorded.</summary>
    private ulong Keys => KeyCount > 0 ? KeyCount : (ulong)(IdCount - Vocabulary.FirstWordId);

    /// <summary>Whether a column of this type can be read with this spec.</summary>
    public bool Fits(DataViewType type) => Source == TokenSource.Text
        ? type is TextDataViewType
        : TokenColumn.IsKeyVector(type, out var key) && key.Count == Keys && (Vocabulary != null || key.RawType == typeof(uint));

    /// <summary>What the column must hold, for messages.</summary>
    public string Describe() => Source == TokenSource.Text ? "text" : $"vector of keys of {Keys} values";

    /// <summary>A reader of the current row's token ids into <paramref name="length"/> floats.</summary>
    public FeatureSpec.Reader CreateReader(DataViewRow row, DataViewSchema.Column column, int length)
    {
        var ids = new List<int>();
        if (Vocabulary is { } vocabulary)
        {
            var read = TokenColumn.Open(row, column, Source == TokenSource.Text ? vocabulary.CreateTokenizer() : null);
            TextTokenizer.TokenHandler add = token => ids.Add(vocabulary.IdOf(token));
            return (target, offset) =>
            {
                ids.Clear();
                read(add);
                Place(ids, target, offset, length);
            };
        }

        if (Source == TokenSource.Text)
        {
            throw new InvalidOperationException($"Features column '{column.Name}' has no vocabulary yet.");
        }

        // A model saved before key columns had a vocabulary: key k is id k + 1, a missing key out of vocabulary.
        var keyGetter = row.GetGetter<VBuffer<uint>>(column);
        var keys = default(VBuffer<uint>);
        return (target, offset) =>
        {
            keyGetter(ref keys);
            ids.Clear();
            foreach (uint key in keys.DenseValues())
            {
                ids.Add(key == 0 ? Vocabulary.UnknownId : (int)key + 1);
            }

            Place(ids, target, offset, length);
        };
    }

    private void Place(List<int> ids, float[] target, int offset, int length)
    {
        int keep = Math.Min(ids.Count, length);
        int first = Truncation == SequenceSide.Start ? ids.Count - keep : 0;
        int at = offset + (Padding == SequenceSide.Start ? length - keep : 0);
        Array.Clear(target, offset, length);
        for (int i = 0; i < keep; i++)
        {
            target[at + i] = ids[first + i];
        }
    }
}
