// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Character and sub-word tokenisation, key vectors of every unsigned key type, and the vocabulary warning.</summary>
[TestClass]
public sealed class LstmTokenizationTests
{
    private static readonly string[] s_suffixes = ["ing", "ed", "ly"];

    /// <summary>
    /// Rows of one made-up word each, whose suffix is the class. The stems are random, so test words never occur in
    /// training: a word vocabulary reads every test row as the same unknown token.
    /// </summary>
    private static List<TextRow> SuffixWords(int rows, int seed)
    {
        var random = new Random(seed);
        const string letters = "bcdfghjkmnprstvwz";
        return Enumerable.Range(0, rows).Select(_ =>
        {
            int label = random.Next(s_suffixes.Length);
            var stem = new string(Enumerable.Range(0, random.Next(3, 7)).Select(_ => letters[random.Next(letters.Length)]).ToArray());
            return new TextRow { Text = stem + s_suffixes[label], Label = label };
        }).ToList();
    }

    private static IDataView Keyed(MLContext ml, IEnumerable<TextRow> rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data).Transform(data);
    }

    private static LstmOptions SuffixOptions(TokenizationKind tokenization, string column = "Text") => new()
    {
        FeatureColumnName = column, Tokenization = tokenization, MaxSequenceLength = 12, EmbeddingSize = 16, HiddenSize = 16,
        Epochs = 12, BatchSize = 16, LearningRate = 1e-2, Seed = 1, ThreadCount = 1,
    };

    /// <summary>The warnings <paramref name="ml"/> logs from now on.</summary>
    private static List<string> Warnings(MLContext ml)
    {
        var warnings = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning)
            {
                lock (warnings)
                {
                    warnings.Add(e.RawMessage);
                }
            }
        };
        return warnings;
    }

    private static double Accuracy(MLContext ml, ITransformer model, IDataView test) =>
        ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;

    [TestMethod]
    public void Fit_SuffixOfUnseenWords_CharactersLearnWhatWordsCannot()
    {
        var ml = new MLContext(seed: 1);
        var train = Keyed(ml, SuffixWords(360, seed: 1));
        var test = Keyed(ml, SuffixWords(150, seed: 2));

        using var words = ml.MulticlassClassification.Trainers.Lstm(SuffixOptions(TokenizationKind.Words)).Fit(train);
        using var characters = ml.MulticlassClassification.Trainers.Lstm(SuffixOptions(TokenizationKind.Characters)).Fit(train);
        var keys = ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Characters", "Text", useMarkerCharacters: false)
            .Append(ml.MulticlassClassification.Trainers.Lstm(SuffixOptions(TokenizationKind.Words, "Characters")))
            .Fit(train);

        double wordAccuracy = Accuracy(ml, words, test), characterAccuracy = Accuracy(ml, characters, test), keyAccuracy = Accuracy(ml, keys, test);
        Console.WriteLine($"accuracy: words {wordAccuracy}, characters {characterAccuracy}, TokenizeIntoCharactersAsKeys {keyAccuracy}");
        Assert.IsLessThan(0.5, wordAccuracy, $"unseen words should leave a word model near chance, not {wordAccuracy}");
        Assert.IsGreaterThanOrEqualTo(0.9, characterAccuracy, $"characters: {characterAccuracy}");
        Assert.IsGreaterThanOrEqualTo(0.9, keyAccuracy, $"TokenizeIntoCharactersAsKeys: {keyAccuracy}");

        // The UInt16 keys of 65,535 values become an embedding of the characters training used, not of every value.
        var tokens = keys.OfType<DeepPredictionTransformer>().Single().Description.Features.Tokens!;
        Assert.AreEqual(Vocabulary.FirstWordId + "bcdfghjkmnprstvwzingedly".Distinct().Count(), tokens.IdCount);
        keys.OfType<DeepPredictionTransformer>().Single().Dispose();
    }

    [TestMethod]
    public void Fit_SingleWordRows_WarnsNamingTheColumnAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        var options = SuffixOptions(TokenizationKind.Words);
        options.Epochs = 1;
        using (ml.MulticlassClassification.Trainers.Lstm(options).Fit(Keyed(ml, SuffixWords(100, seed: 1))))
        {
        }

        var warning = warnings.Single();
        StringAssert.Contains(warning, "'Text'");
        StringAssert.Contains(warning, "Tokenization");

        // Sentences of several known words give no warning, and neither does the same single-word data split into characters.
        warnings.Clear();
        var sentences = WordOrder.Keyed(ml, 100, seed: 1);
        using (ml.MulticlassClassification.Trainers.Lstm(new LstmOptions { FeatureColumnName = "Text", Epochs = 1, HiddenSize = 4, EmbeddingSize = 4, Seed = 1 }, new DeepFitContext { ValidationSet = WordOrder.Keyed(ml, 50, seed: 2) }).Fit(sentences))
        {
        }

        options.Tokenization = TokenizationKind.Characters;
        using (ml.MulticlassClassification.Trainers.Lstm(options).Fit(Keyed(ml, SuffixWords(100, seed: 1))))
        {
        }

        Assert.IsEmpty(warnings, string.Join("\n", warnings));
    }

    [TestMethod]
    public void Fit_ValidationTextMostlyOutOfVocabulary_Warns()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        var validation = Keyed(ml, WordOrder.Make(50, seed: 2).Select(r => new TextRow { Text = "zulu yankee xray whisky", Label = r.Label }));
        using (ml.MulticlassClassification.Trainers.Lstm(new LstmOptions { FeatureColumnName = "Text", Epochs = 1, HiddenSize = 4, EmbeddingSize = 4, Seed = 1 }, new DeepFitContext { ValidationSet = validation }).Fit(WordOrder.Keyed(ml, 100, seed: 1)))
        {
        }

        StringAssert.Contains(warnings.Single(), "100% of the validation tokens of features column 'Text'");
    }

    private sealed class UInt16Keys
    {
        [KeyType(65535)]
        public ushort[] Tokens { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class UInt32Keys
    {
        [KeyType(65535)]
        public uint[] Tokens { get; set; } = [];

        public float Label { get; set; }
    }

    [TestMethod]
    public void Fit_UInt16Keys_GiveTheSameModelAsTheSameTokensAsUInt32Keys()
    {
        var ml = new MLContext(seed: 1);
        // Keys 1..40 spread over a key type of 65,535 values; the class is the key that comes first, modulo 3.
        var random = new Random(5);
        var rows = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, random.Next(2, 8)).Select(_ => (ushort)(1 + random.Next(40))).ToArray()).ToList();
        var wide = Keyed16(ml, rows.Select(r => new UInt16Keys { Tokens = r, Label = r[0] % 3 }));
        var narrow = Keyed32(ml, rows.Select(r => new UInt32Keys { Tokens = r.Select(k => (uint)k).ToArray(), Label = r[0] % 3 }));
        var options = new LstmOptions { FeatureColumnName = "Tokens", MaxSequenceLength = 8, EmbeddingSize = 8, HiddenSize = 8, Epochs = 3, Seed = 2, ThreadCount = 1 };

        using var fromUInt16 = ml.MulticlassClassification.Trainers.Lstm(options).Fit(wide);
        using var fromUInt32 = ml.MulticlassClassification.Trainers.Lstm(options).Fit(narrow);

        CollectionAssert.AreEqual(Scores(fromUInt32, narrow), Scores(fromUInt16, wide));
        Assert.AreEqual(Vocabulary.FirstWordId + 40, fromUInt16.Description.Features.Tokens!.IdCount);

        // A key training never saw reads as the out-of-vocabulary token, as a missing key does.
        var unseen = Keyed16(ml, [new UInt16Keys { Tokens = [7, 60000, 9], Label = 1 }, new UInt16Keys { Tokens = [7, 0, 9], Label = 1 }]);
        var scores = fromUInt16.Transform(unseen).GetColumn<float[]>("Score").ToList();
        CollectionAssert.AreEqual(scores[0], scores[1]);
    }

    private static IDataView Keyed16(MLContext ml, IEnumerable<UInt16Keys> rows) => KeyLabel(ml, ml.Data.LoadFromEnumerable(rows));

    private static IDataView Keyed32(MLContext ml, IEnumerable<UInt32Keys> rows) => KeyLabel(ml, ml.Data.LoadFromEnumerable(rows));

    private static IDataView KeyLabel(MLContext ml, IDataView data) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data).Transform(data);

    private static float[] Scores(ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();

    [TestMethod]
    public void TextTokenizer_CharacterAndWordNGrams_SplitAsDocumented()
    {
        static List<string> Split(TokenizationKind kind, int n, string text)
        {
            var tokens = new List<string>();
            new TextTokenizer(kind, lowerCase: true, n, wordNGramLength: n).Split(text, t => tokens.Add(t.ToString()));
            return tokens;
        }

        CollectionAssert.AreEqual(new[] { "open", "source", "open source", "game", "source game", "open source game", "x", "game x", "source game x" }, Split(TokenizationKind.Words, 3, "Open-source game, x"));
        CollectionAssert.AreEqual(new[] { "a", "b", "a b" }, Split(TokenizationKind.Words, 2, "a b"));
        CollectionAssert.AreEqual(new[] { "ab", "#<ab", "#ab>", "c", "#<c>", "ab c" }, Split(TokenizationKind.WordsAndCharacters, 3, "AB c"));

        CollectionAssert.AreEqual(new[] { "a", " ", "b", "!" }, Split(TokenizationKind.Characters, 1, "A b!"));
        CollectionAssert.AreEqual(new[] { "abc", "bcd" }, Split(TokenizationKind.Characters, 3, "abcd"));
        CollectionAssert.AreEqual(new[] { "ab" }, Split(TokenizationKind.Characters, 3, "AB"));
        Assert.IsEmpty(Split(TokenizationKind.Characters, 3, ""));
        Assert.AreEqual("unbelievablyfoo", string.Concat(Split(TokenizationKind.Subwords, 1, "Unbelievablyfoo")));
        CollectionAssert.Contains(Split(TokenizationKind.Subwords, 1, "alpha beta gamma"), " gamma", "cl100k_base keeps a word's leading space in its piece");
    }
}
