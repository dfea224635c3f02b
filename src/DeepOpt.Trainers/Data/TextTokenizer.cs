// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML.Tokenizers;

namespace DeepOpt.Trainers;

/// <summary>
/// Splits text into tokens the way <see cref="LstmOptions.Tokenization"/> says, optionally lower-cased first (invariant
/// culture, each UTF-16 unit). One per reader; not thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Words: maximal runs of letters and digits; everything else separates them. With a word n-gram length n above
/// 1, each word is followed by the n-grams that end with it, longest last ("b", "a b" for n = 2), their words joined by
/// one space.</item>
/// <item>Words and characters: the words (and word n-grams) as above, each word followed by the character n-grams of
/// the word between '&lt;' and '&gt;' (fastText's sub-word features), each marked by a leading '#' so it never equals a
/// word.</item>
/// <item>Characters: every UTF-16 unit, spaces and punctuation included; with an n-gram length n above 1, every run of n
/// consecutive units (a text shorter than n is one token).</item>
/// <item>Sub-words: tiktoken's cl100k_base byte-pair encoding, whose merges ship in the
/// Microsoft.ML.Tokenizers.Data.Cl100kBase package, so it needs no download.</item>
/// </list>
/// </remarks>
internal sealed class TextTokenizer
{
    /// <summary>The tiktoken encoding of <see cref="TokenizationKind.Subwords"/>.</summary>
    public const string SubwordEncoding = "cl100k_base";

    private static readonly Lazy<Tokenizer> s_subwords = new(() => TiktokenTokenizer.CreateForEncoding(SubwordEncoding));

    private readonly TokenizationKind _kind;
    private readonly bool _lowerCase;
    private readonly int _nGramLength;
    private readonly int _wordNGramLength;
    private readonly (int Start, int Length)[] _recent;
    private char[] _buffer = new char[256];
    private char[] _joined = new char[256];
    private char[] _marked = new char[64];

    /// <param name="kind">Words, characters or sub-words.</param>
    /// <param name="lowerCase">Whether text is lower-cased first.</param>
    /// <param name="nGramLength">Characters per token of <see cref="TokenizationKind.Characters"/>.</param>
    /// <param name="wordNGramLength">The longest word n-gram of <see cref="TokenizationKind.Words"/>.</param>
    public TextTokenizer(TokenizationKind kind, bool lowerCase, int nGramLength, int wordNGramLength = 1)
    {
        _kind = kind;
        _lowerCase = lowerCase;
        _nGramLength = Math.Max(1, nGramLength);
        _wordNGramLength = Math.Max(1, wordNGramLength);
        _recent = new (int, int)[_wordNGramLength];
    }

    /// <summary>Receives one token; the span is valid only during the call.</summary>
    public delegate void TokenHandler(ReadOnlySpan<char> token);

    /// <summary>Calls <paramref name="handler"/> for each token of <paramref name="text"/>, in order.</summary>
    public void Split(ReadOnlySpan<char> text, TokenHandler handler)
    {
        if (_lowerCase)
        {
            int written = text.ToLowerInvariant(Room(ref _buffer, text.Length));
            text = _buffer.AsSpan(0, written);
        }

        switch (_kind)
        {
            case TokenizationKind.Characters:
                SplitCharacters(text, handler);
                break;
            case TokenizationKind.Subwords:
                foreach (var token in s_subwords.Value.EncodeToTokens(text, out _))
                {
                    handler(token.Value);
                }

                break;
            default: // words, with or without their characters
                SplitWords(text, handler);
                break;
        }
    }

    private void SplitCharacters(ReadOnlySpan<char> text, TokenHandler handler)
    {
        if (text.Length > 0 && text.Length < _nGramLength)
        {
            handler(text);
            return;
        }

        for (int i = 0; i + _nGramLength <= text.Length; i++)
        {
            handler(text.Slice(i, _nGramLength));
        }
    }

    private void SplitWords(ReadOnlySpan<char> text, TokenHandler handler)
    {
        int start = -1, words = 0;
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
                if (_kind == TokenizationKind.WordsAndCharacters)
                {
                    SplitMarkedWord(text[start..i], handler);
                }

                _recent[words % _wordNGramLength] = (start, i - start);
                words++;
                for (int n = 2; n <= Math.Min(_wordNGramLength, words); n++)
                {
                    handler(Join(text, words, n));
                }

                start = -1;
            }
        }
    }

    /// <summary>Makes <paramref name="buffer"/> hold at least <paramref name="length"/> characters, at least doubling it when it grows.</summary>
    private static char[] Room(ref char[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new char[Math.Max(length, 2 * buffer.Length)];
        }

        return buffer;
    }

    /// <summary>The character n-grams of "&lt;word&gt;", each after a '#'.</summary>
    private void SplitMarkedWord(ReadOnlySpan<char> word, TokenHandler handler)
    {
        int length = word.Length + 2;
        Room(ref _marked, length);
        _marked[0] = '<';
        word.CopyTo(_marked.AsSpan(1));
        _marked[length - 1] = '>';
        int n = Math.Min(_nGramLength, length);
        Span<char> gram = stackalloc char[n + 1];
        gram[0] = '#';
        for (int i = 0; i + n <= length; i++)
        {
            _marked.AsSpan(i, n).CopyTo(gram[1..]);
            handler(gram);
        }
    }

    /// <summary>The last <paramref name="n"/> of the <paramref name="words"/> words read, joined by spaces.</summary>
    private ReadOnlySpan<char> Join(ReadOnlySpan<char> text, int words, int n)
    {
        int length = n - 1;
        for (int w = words - n; w < words; w++)
        {
            length += _recent[w % _wordNGramLength].Length;
        }

        Room(ref _joined, length);
        int at = 0;
        for (int w = words - n; w < words; w++)
        {
            var (start, count) = _recent[w % _wordNGramLength];
            if (at > 0)
            {
                _joined[at++] = ' ';
            }

            text.Slice(start, count).CopyTo(_joined.AsSpan(at));
            at += count;
        }

        return _joined.AsSpan(0, at);
    }
}
