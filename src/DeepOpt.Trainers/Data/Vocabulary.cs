// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Microsoft.ML;

namespace DeepOpt.Trainers;

/// <summary>
/// The words of a text column and their token ids, built from the training data and saved with the model, so scoring
/// tokenises exactly as training did. Id 0 is padding, 1 the out-of-vocabulary token, and word i has id i + 2; words
/// are numbered in the order of their first occurrence, as <c>MapValueToKey</c> numbers keys by default.
/// </summary>
internal sealed class Vocabulary
{
    public const int PaddingId = 0;
    public const int UnknownId = 1;
    public const int FirstWordId = 2;

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>A vocabulary of <paramref name="words"/>, in id order.</summary>
    [JsonConstructor]
    public Vocabulary(IReadOnlyList<string> words, bool lowerCase)
    {
        Words = words;
        LowerCase = lowerCase;
        _ids = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
        {
            _ids.Add(words[i], FirstWordId + i);
        }

        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The words, word i having id i + 2.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Whether text is lower-cased before it is split.</summary>
    public bool LowerCase { get; }

    /// <summary>The ids the embedding needs: padding, out-of-vocabulary and the words.</summary>
    [JsonIgnore]
    public int IdCount => FirstWordId + Words.Count;

    /// <summary>The id of a token, or <see cref="UnknownId"/>.</summary>
    public int IdOf(ReadOnlySpan<char> token) => _lookup.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>
    /// Counts the tokens of a text column and keeps the <paramref name="maxSize"/> most frequent (ties to the earlier)
    /// that occur at least <paramref name="minFrequency"/> times, numbered by first occurrence.
    /// </summary>
    /// <param name="data">The training data.</param>
    /// <param name="column">The text column.</param>
    /// <param name="maxSize">The most words kept.</param>
    /// <param name="minFrequency">The fewest occurrences of a kept word.</param>
    /// <param name="lowerCase">Whether text is lower-cased first.</param>
    /// <param name="tokenCount">The tokens read, kept or not.</param>
    public static Vocabulary Build(IDataView data, DataViewSchema.Column column, int maxSize, int minFrequency, bool lowerCase, out long tokenCount)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = ordinals.GetAlternateLookup<ReadOnlySpan<char>>();
        var counts = new List<int>();
        var tokenizer = new Tokenizer(lowerCase);
        long tokens = 0;
        Tokenizer.TokenHandler count = token =>
        {
            ref int ordinal = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, token, out bool exists);
            if (!exists)
            {
                ordinal = counts.Count;
                counts.Add(0);
            }

            counts[ordinal]++;
            tokens++;
        };
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            var text = default(ReadOnlyMemory<char>);
            while (cursor.MoveNext())
            {
                getter(ref text);
                tokenizer.Split(text.Span, count);
            }
        }

        var byOrdinal = new string[counts.Count];
        foreach (var (word, ordinal) in ordinals)
        {
            byOrdinal[ordinal] = word;
        }

        var kept = Enumerable.Range(0, counts.Count)
            .Where(i => counts[i] >= minFrequency)
            .OrderByDescending(i => counts[i]).ThenBy(i => i)
            .Take(maxSize)
            .Order()
            .Select(i => byOrdinal[i])
            .ToArray();
        tokenCount = tokens;
        return new Vocabulary(kept, lowerCase);
    }
}

/// <summary>Splits text into tokens: maximal runs of letters and digits, optionally lower-cased. One per reader; not thread-safe.</summary>
internal sealed class Tokenizer
{
    private readonly bool _lowerCase;
    private char[] _buffer = new char[256];

    public Tokenizer(bool lowerCase)
    {
        _lowerCase = lowerCase;
    }

    /// <summary>Receives one token; the span is valid only during the call.</summary>
    public delegate void TokenHandler(ReadOnlySpan<char> token);

    /// <summary>Calls <paramref name="handler"/> for each token of <paramref name="text"/>, in order.</summary>
    public void Split(ReadOnlySpan<char> text, TokenHandler handler)
    {
        if (_lowerCase)
        {
            if (_buffer.Length < text.Length)
            {
                _buffer = new char[Math.Max(text.Length, 2 * _buffer.Length)];
            }

            int written = text.ToLowerInvariant(_buffer);
            text = _buffer.AsSpan(0, written);
        }

        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inToken = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inToken && start < 0)
            {
                start = i;
            }
            else if (!inToken && start >= 0)
            {
                handler(text[start..i]);
                start = -1;
            }
        }
    }
}
