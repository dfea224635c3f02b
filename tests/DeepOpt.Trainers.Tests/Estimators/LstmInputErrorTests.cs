// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Every bad input of the sequence trainer gets an exception naming the column or option and the fix, before any training.</summary>
[TestClass]
public sealed class LstmInputErrorTests
{
    private readonly MLContext _ml = new(seed: 1);

    private static LstmOptions Options() => new() { FeatureColumnName = "Text", MaxSequenceLength = 8, EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, BatchSize = 4 };

    private static void AssertMessage(Exception error, params string[] parts)
    {
        foreach (var part in parts)
        {
            StringAssert.Contains(error.Message, part);
        }
    }

    private IDataView Keyed(IEnumerable<TextRow> rows)
    {
        var data = _ml.Data.LoadFromEnumerable(rows);
        return _ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    [TestMethod]
    public void Fit_FloatVectorFeatures_SaysTextOrKeysAndHowToGetThem()
    {
        var data = Synthetic.KeyedBlobs(_ml, 40, 2, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Lstm().Fit(data));
        AssertMessage(error, "Schema mismatch for features column 'Features'", "expected text, or a vector of keys", "Single", "TokenizeIntoWords", "MapValueToKey");
    }

    [TestMethod]
    public void GetOutputSchema_TokensNotMappedToKeys_SaysToMapValueToKey()
    {
        var data = _ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Fit(Keyed(WordOrder.Make(20, 1))).Transform(Keyed(WordOrder.Make(20, 1)));
        var options = Options();
        options.FeatureColumnName = "Tokens";
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Lstm(options).GetOutputSchema(MlNetInternals.Shape(data.Schema)));
        AssertMessage(error, "features column 'Tokens'", "variable-size vector of String", "MapValueToKey");
    }

    [TestMethod]
    public void Fit_EmptyStringsOnly_SaysEveryRowIsEmpty()
    {
        var rows = Enumerable.Range(0, 10).Select(i => new TextRow { Text = i % 2 == 0 ? "" : " , ", Label = i % 2 });
        var error = Assert.Throws<InvalidOperationException>(() => _ml.MulticlassClassification.Trainers.Lstm(Options()).Fit(Keyed(rows)));
        AssertMessage(error, "no tokens in features column 'Text'", "every row is empty");
    }

    [TestMethod]
    public void Fit_EmptyDataView_SaysNoRows()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _ml.BinaryClassification.Trainers.Lstm(Options()).Fit(_ml.Data.LoadFromEnumerable(new List<BinaryTextRow>())));
        AssertMessage(error, "training data has no rows");
    }

    [TestMethod]
    public void Fit_LabelWithOneClass_SaysTwoClassesAreNeeded()
    {
        var rows = WordOrder.MakeBinary(20, 1).Select(r => new BinaryTextRow { Text = r.Text, Label = true });
        var error = Assert.Throws<InvalidOperationException>(() => _ml.BinaryClassification.Trainers.Lstm(Options()).Fit(_ml.Data.LoadFromEnumerable(rows)));
        AssertMessage(error, "single class", "label column 'Label'");
    }

    [TestMethod]
    public void Fit_MinFrequencyAboveEveryCount_SaysToLowerIt()
    {
        var options = Options();
        options.MinFrequency = 1000;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Lstm(options).Fit(Keyed(WordOrder.Make(20, 1))));
        Assert.AreEqual("MinFrequency", error.ParamName);
        AssertMessage(error, "features column 'Text'", "Lower `MinFrequency`");
    }

    [TestMethod]
    public void Transform_FeaturesNotText_SaysTheModelReadsText()
    {
        using var model = _ml.MulticlassClassification.Trainers.Lstm(Options()).Fit(Keyed(WordOrder.Make(20, 1)));
        var wrong = _ml.Data.LoadFromEnumerable(new[] { new ScalarTextRow() });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(wrong));
        AssertMessage(error, "features column 'Text'", "expected text", "got Single");
    }

    [TestMethod]
    [DataRow("EmbeddingSize", "`EmbeddingSize` must be 1 or more, but got 0.")]
    [DataRow("SpatialDropout", "`SpatialDropout` must be in [0, 1), but got 1.")]
    [DataRow("MaxSequenceLength", "`MaxSequenceLength` must be 1 or more, but got 0.")]
    [DataRow("MaxVocabularySize", "`MaxVocabularySize` must be at most 16777214, but got 2147483647.")]
    [DataRow("RecurrentLayers", "`RecurrentLayers` must be 0 or more, but got -1.")]
    [DataRow("TokenDropout", "`TokenDropout` must be in [0, 1), but got 1.")]
    [DataRow("ConvolutionKernelSizes", "`ConvolutionKernelSizes` must hold one or more different sizes of 1 or more, but got [3, 3].")]
    [DataRow("CharacterNGramLength", "`CharacterNGramLength` must be in [1, 8], but got 9.")]
    [DataRow("WordNGramLength", "`WordNGramLength` must be in [1, 4], but got 0.")]
    public void Constructor_BadOption_ThrowsNamingTheOption(string option, string message)
    {
        var options = Options();
        switch (option)
        {
            case "EmbeddingSize": options.EmbeddingSize = 0; break;
            case "SpatialDropout": options.SpatialDropout = 1; break;
            case "MaxSequenceLength": options.MaxSequenceLength = 0; break;
            case "MaxVocabularySize": options.MaxVocabularySize = int.MaxValue; break;
            case "TokenDropout": options.TokenDropout = 1; break;
            case "ConvolutionKernelSizes": options.ConvolutionKernelSizes = [3, 3]; break;
            case "CharacterNGramLength": options.CharacterNGramLength = 9; break;
            case "WordNGramLength": options.WordNGramLength = 0; break;
            default: options.RecurrentLayers = -1; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Lstm(options));
        Assert.AreEqual(option, error.ParamName);
        AssertMessage(error, message);
    }

    private sealed class ScalarTextRow
    {
        public float Text { get; set; }
    }
}
