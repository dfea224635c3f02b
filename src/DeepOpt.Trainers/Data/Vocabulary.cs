// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Microsoft.ML;

namespace DeepOpt.Trainers;

/// <summary>
/// The tokens of a token column and their ids, built from the training data and saved with the model, so scoring
/// tokenises exactly as training did. Id 0 is padding, 1 the out-of-vocabulary token, and token i has id i + 2; tokens
/// are numbered in the order of their first occurrence, as <c>MapValueToKey</c> numbers keys by default. A text
/// column's tokens are what its <see cref="TextTokenizer"/> gives; a key column's are its keys' decimal values.
/// </summary>
internal sealed class Vocabulary
{
    public const int PaddingId = 0;
    public const int UnknownId = 1;
    public const int FirstWordId = 2;

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>A vocabulary of <paramref name="words"/>, in id order, and how text is split into them.</summary>
    [JsonConstructor]
    public Vocabulary(IReadOnlyList<string> words, bool lowerCase, TokenizationKind tokenization = TokenizationKind.Words, int nGramLength = 1, int wordNGramLength = 1)
    {
        Words = words;
        LowerCase = lowerCase;
        Tokenization = tokenization;
        NGramLength = nGramLength;
        WordNGramLength = wordNGramLength;
        _ids = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
        {
            _ids.Add(words[i], FirstWordId + i);
        }

        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The tokens, token i having id i + 2.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Whether text is lower-cased before it is split.</summary>
    public bool LowerCase { get; }

    /// <summary>How text is split into tokens.</summary>
    public TokenizationKind Tokenization { get; }

    /// <summary>Characters per token of <see cref="TokenizationKind.Characters"/> and <see cref="TokenizationKind.WordsAndCharacters"/>.</summary>
    public int NGramLength { get; }

    /// <summary>The longest word n-gram of <see cref="TokenizationKind.Words"/> and <see cref="TokenizationKind.WordsAndCharacters"/>.</summary>
    public int WordNGramLength { get; }

    /// <summary>The ids the embedding needs: padding, out-of-vocabulary and the tokens.</summary>
    [JsonIgnore]
    public int IdCount => FirstWordId + Words.Count;

    /// <summary>The id of a token, or <see cref="UnknownId"/>.</summary>
    public int IdOf(ReadOnlySpan<char> token) => _lookup.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>A vocabulary of <paramref name="words"/> that splits text as this one does.</summary>
    public Vocabulary WithWords(IReadOnlyList<string> words) => new(words, LowerCase, Tokenization, NGramLength, WordNGramLength);

    /// <summary>A tokenizer that splits text as this vocabulary's text was split.</summary>
    public TextTokenizer CreateTokenizer() => new(Tokenization, LowerCase, NGramLength, WordNGramLength);

    /// <summary>Whether two vocabularies split text alike, so one's tokens can be looked up in the other.</summary>
    public bool SplitsLike(Vocabulary other) =>
        Tokenization == other.Tokenization && LowerCase == other.LowerCase
        && (!SplitsCharacters || NGramLength == other.NGramLength)
        && (!SplitsWords || WordNGramLength == other.WordNGramLength);

    /// <summary>How text is split, for messages: "lower-cased words up to 2-grams and character 3-grams".</summary>
    public string Describe() =>
        (LowerCase ? "lower-cased " : "")
        + string.Join(" and ", new[]
        {
            SplitsWords ? $"words up to {WordNGramLength}-grams" : null,
            SplitsCharacters ? $"character {NGramLength}-grams" : null,
            Tokenization == TokenizationKind.Subwords ? $"{TextTokenizer.SubwordEncoding} sub-words" : null,
        }.OfType<string>());

    private bool SplitsWords => Tokenization is TokenizationKind.Words or TokenizationKind.WordsAndCharacters;

    private bool SplitsCharacters => Tokenization is TokenizationKind.Characters or TokenizationKind.WordsAndCharacters;

    /// <summary>
    /// Counts the tokens of a token column and keeps the <paramref name="maxSize"/> most frequent (ties to the earlier)
    /// that occur at least <paramref name="minFrequency"/> times, numbered by first occurrence. Empty tokens (missing
    /// keys) are counted as tokens read but never kept.
    /// </summary>
    /// <param name="data">The training data.</param>
    /// <param name="column">The token column.</param>
    /// <param name="tokenizer">How text is split; null for a key column.</param>
    /// <param name="maxSize">The most tokens kept.</param>
    /// <param name="minFrequency">The fewest occurrences of a kept token.</param>
    /// <param name="tokenCount">The tokens read, kept or not.</param>
    /// <returns>The kept tokens, in id order.</returns>
    public static string[] Count(IDataView data, DataViewSchema.Column column, TextTokenizer? tokenizer, int maxSize, int minFrequency, out long tokenCount)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = ordinals.GetAlternateLookup<ReadOnlySpan<char>>();
        var counts = new List<int>();
        long tokens = 0;
        TextTokenizer.TokenHandler count = token =>
        {
            tokens++;
            if (token.IsEmpty)
            {
                return;
            }

            ref int ordinal = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, token, out bool exists);
            if (!exists)
            {
                ordinal = counts.Count;
                counts.Add(0);
            }

            counts[ordinal]++;
        };
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var read = TokenColumn.Open(cursor, column, tokenizer);
            while (cursor.MoveNext())
            {
                read(count);
            }
        }

        var byOrdinal = new string[counts.Count];
        foreach (var (word, ordinal) in ordinals)
        {
            byOrdinal[ordinal] = word;
        }

        tokenCount = tokens;
        return Enumerable.Range(0, counts.Count)
            .Where(i => counts[i] >= minFrequency)
            .OrderByDescending(i => counts[i]).ThenBy(i => i)
            .Take(maxSize)
            .Order()
            .Select(i => byOrdinal[i])
            .ToArray();
    }
}
