// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// Finds token data that a sequence network cannot learn from before training starts: rows of one token each (a column
/// of single words, names or codes), or validation tokens mostly outside the vocabulary. Both leave the network with
/// little more than a lookup of whole rows, and its accuracy near chance on new text, with no error.
/// </summary>
internal static class VocabularyCheck
{
    /// <summary>The share of training rows with at most one token above which a warning is given.</summary>
    public const double OneTokenShare = 0.9;

    /// <summary>The share of out-of-vocabulary validation tokens above which a warning is given.</summary>
    public const double UnknownShare = 0.5;

    /// <summary>A warning naming the column and the fix, or null when the tokens look usable.</summary>
    public static string? Warning(LabeledData train, LabeledData? validation, string column)
    {
        var fix = $"Split the text into characters or sub-words with LstmOptions.Tokenization ({nameof(TokenizationKind.Characters)} or {nameof(TokenizationKind.Subwords)}), or give longer text.";
        var (rows, oneToken, _, _) = Count(train);
        if (rows > 0 && oneToken >= OneTokenShare * rows)
        {
            return $"Features column '{column}' has at most one token in {oneToken} of {rows} training rows, so the network can only learn each whole row by heart, and rows it has not seen read as out of vocabulary. {fix}";
        }

        if (validation != null)
        {
            var (_, _, tokens, unknown) = Count(validation);
            if (tokens > 0 && unknown > UnknownShare * tokens)
            {
                return $"{100.0 * unknown / tokens:0}% of the validation tokens of features column '{column}' are not in the vocabulary built from the training data, so the network reads most of that text as unknown. {fix}";
            }
        }

        return null;
    }

    private static (int Rows, int OneToken, long Tokens, long Unknown) Count(LabeledData data)
    {
        int oneToken = 0;
        long tokens = 0, unknown = 0;
        for (int row = 0; row < data.Count; row++)
        {
            int inRow = 0;
            foreach (float id in data.Features.AsSpan(row * data.FeatureSize, data.FeatureSize))
            {
                inRow += id != Vocabulary.PaddingId ? 1 : 0;
                unknown += id == Vocabulary.UnknownId ? 1 : 0;
            }

            tokens += inRow;
            oneToken += inRow <= 1 ? 1 : 0;
        }

        return (data.Count, oneToken, tokens, unknown);
    }
}
