// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>Where token sequences come from.</summary>
internal enum TokenSource
{
    /// <summary>A text column, tokenised and mapped through a <see cref="DeepOpt.Trainers.Vocabulary"/>.</summary>
    Text,

    /// <summary>A vector of keys of UInt32, as TokenizeIntoWords + MapValueToKey give; key k is id k + 1.</summary>
    Keys,
}

/// <summary>
/// How a token column becomes a row of <see cref="FeatureSpec.Size"/> token ids stored as floats (exact below 2^24):
/// ids of the tokens, truncated and padded with <see cref="Vocabulary.PaddingId"/> on the chosen sides.
/// </summary>
/// <param name="Source">Text or keys.</param>
/// <param name="IdCount">The ids the embedding holds: padding, out-of-vocabulary, and one per word or key.</param>
/// <param name="Truncation">Which end of a long sequence loses tokens.</param>
/// <param name="Padding">Which end of a short sequence gets padding.</param>
/// <param name="Vocabulary">The words of a text column; null for keys and for text before the vocabulary is built.</param>
internal sealed record TokenSpec(TokenSource Source, int IdCount, SequenceSide Truncation, SequenceSide Padding, Vocabulary? Vocabulary)
{
    /// <summary>Ids are stored as floats, which hold integers exactly up to 2^24.</summary>
    public const int MaxIds = 1 << 24;

    /// <summary>Whether a column of this estimator-level shape holds tokens.</summary>
    public static bool Accepts(SchemaShape.Column column) =>
        (column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType is TextDataViewType)
        || (column.Kind != SchemaShape.Column.VectorKind.Scalar && column.IsKey && column.ItemType == NumberDataViewType.UInt32);

    /// <summary>The spec of a token column, its vocabulary still to build for text; null when the column holds no tokens.</summary>
    public static FeatureSpec? FromColumn(DataViewSchema.Column column, LstmOptions options)
    {
        if (column.Type is TextDataViewType)
        {
            return new FeatureSpec(column.Name, options.MaxSequenceLength, null, new TokenSpec(TokenSource.Text, 0, options.Truncation, options.Padding, null));
        }

        if (column.Type is VectorDataViewType { ItemType: KeyDataViewType key } && key.RawType == typeof(uint))
        {
            if (key.Count > (ulong)(MaxIds - Vocabulary.FirstWordId))
            {
                throw SchemaChecks.Mismatch(SchemaChecks.FeatureRole, column.Name, $"keys of at most {MaxIds - Vocabulary.FirstWordId} values", $"keys of {key.Count} values", "Limit the keys with MapValueToKey's maximumNumberOfKeys.");
            }

            return new FeatureSpec(column.Name, options.MaxSequenceLength, null, new TokenSpec(TokenSource.Keys, (int)key.Count + Vocabulary.FirstWordId, options.Truncation, options.Padding, null));
        }

        return null;
    }

    /// <summary>Builds the vocabulary of a text column from the training data; a key spec is returned as it is.</summary>
    public static FeatureSpec Fit(IDataView data, FeatureSpec spec, LstmOptions options, string what)
    {
        var tokens = spec.Tokens!;
        if (tokens.Source != TokenSource.Text)
        {
            return spec;
        }

        var vocabulary = Vocabulary.Build(data, data.Schema[spec.ColumnName], options.MaxVocabularySize, options.MinFrequency, options.LowerCase, out long count);
        if (count > 0 && vocabulary.Words.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LstmOptions.MinFrequency), options.MinFrequency, $"No word of features column '{spec.ColumnName}' occurs `MinFrequency` ({options.MinFrequency}) times in the {what}, so the vocabulary is empty. Lower `MinFrequency`.");
        }

        return spec with { Tokens = tokens with { IdCount = vocabulary.IdCount, Vocabulary = vocabulary } };
    }

    /// <summary>Whether a column of this type can be read with this spec.</summary>
    public bool Fits(DataViewType type) => Source == TokenSource.Text
        ? type is TextDataViewType
        : type is VectorDataViewType { ItemType: KeyDataViewType key } && key.RawType == typeof(uint) && key.Count == (ulong)(IdCount - Vocabulary.FirstWordId);

    /// <summary>What the column must hold, for messages.</summary>
    public string Describe() => Source == TokenSource.Text ? "text" : $"vector of keys of {IdCount - Vocabulary.FirstWordId} values";

    /// <summary>A reader of the current row's token ids into <paramref name="length"/> floats.</summary>
    public FeatureSpec.Reader CreateReader(DataViewRow row, DataViewSchema.Column column, int length)
    {
        var ids = new List<int>();
        if (Source == TokenSource.Text)
        {
            var vocabulary = Vocabulary ?? throw new InvalidOperationException($"Features column '{column.Name}' has no vocabulary yet.");
            var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
            var tokenizer = new Tokenizer(vocabulary.LowerCase);
            var text = default(ReadOnlyMemory<char>);
            Tokenizer.TokenHandler add = token => ids.Add(vocabulary.IdOf(token));
            return (target, offset) =>
            {
                getter(ref text);
                ids.Clear();
                tokenizer.Split(text.Span, add);
                Place(ids, target, offset, length);
            };
        }

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
