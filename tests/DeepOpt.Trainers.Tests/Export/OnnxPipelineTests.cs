// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// Every kind of DeepOpt model and feature column, turned into a plain ML.NET pipeline, saved with ml.Model.Save and
/// scored and evaluated after ml.Model.Load in a process without DeepOpt.
/// </summary>
[TestClass]
public sealed class OnnxPipelineTests
{
    private const int Rows = 1200;
    private static string s_folder = "";

    [ClassInitialize]
    public static void CreateFolder(TestContext context) => s_folder = Directory.CreateTempSubdirectory("deepopt-pipeline-images-").FullName;

    [ClassCleanup]
    public static void DeleteFolder() => Directory.Delete(s_folder, recursive: true);

    [TestMethod]
    public void Mlp_MulticlassWithTransformsAroundIt_MatchesInPlainMlNet()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Synthetic.Blobs(Rows, classes: 3, seed: 2, spread: 1.5));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], BatchNorm = true, Epochs = 2, ThreadCount = 1 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedValue", "PredictedLabel"))
            .Fit(data);
        OnnxPipelineCheck.MatchesDeepOpt(ml, model, data, PredictionKind.MulticlassClassification);
    }

    [TestMethod]
    public void Mlp_BinaryAndRegression_MatchInPlainMlNet()
    {
        var ml = new MLContext(seed: 1);
        var binary = ml.Data.LoadFromEnumerable(Synthetic.BinaryBlobs(Rows, seed: 3));
        using var classifier = ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 2, ThreadCount = 1 }).Fit(binary);
        OnnxPipelineCheck.MatchesDeepOpt(ml, classifier, binary, PredictionKind.BinaryClassification);

        // A PredictionEngine over the ML.NET pipeline answers as one over the DeepOpt model.
        var row = Synthetic.BinaryBlobs(1, seed: 10)[0];
        var expected = ml.Model.CreatePredictionEngine<BinaryRow, BinaryPrediction>(classifier).Predict(row);
        var actual = ml.Model.CreatePredictionEngine<BinaryRow, BinaryPrediction>(ml.Model.ConvertToOnnxPipeline(classifier, binary)).Predict(row);
        Assert.AreEqual(expected.PredictedLabel, actual.PredictedLabel);
        Assert.AreEqual(expected.Score, actual.Score, OnnxRuntimeCheck.Tolerance);
        Assert.AreEqual(expected.Probability, actual.Probability, OnnxRuntimeCheck.Tolerance);

        var regression = ml.Data.LoadFromEnumerable(Synthetic.Regression(Rows, seed: 4));
        using var regressor = ml.Regression.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 2, ThreadCount = 1 }).Fit(regression);
        OnnxPipelineCheck.MatchesDeepOpt(ml, regressor, regression, PredictionKind.Regression);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void Cnn_ImageFilesThroughLoadAndResize_MatchInPlainMlNet(int channels)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(WriteImages($"c{channels}", Rows, seed: 5));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", Bars.Size, Bars.Size))
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnOptions { FeatureColumnName = "Image", Channels = channels, ConvFilters = [4], DenseUnits = 8, Epochs = 1, ThreadCount = 1 }))
            .Fit(data);
        OnnxPipelineCheck.MatchesDeepOpt(ml, model, data, PredictionKind.MulticlassClassification);
    }

    [TestMethod]
    [DataRow(RecurrentCellKind.Lstm, SequenceSide.End)]
    [DataRow(RecurrentCellKind.Gru, SequenceSide.Start)]
    public void Recurrent_TextColumn_TokenizesAsDeepOptInPlainMlNet(RecurrentCellKind cell, SequenceSide truncation)
    {
        var ml = new MLContext(seed: 1);
        var rows = WordOrder.Make(Rows, seed: 8);

        // Empty rows, unknown words, case, punctuation between words, letters beyond ASCII, digits and long rows.
        rows[0].Text = "";
        rows[1].Text = "zebra quokka";
        rows[2].Text = string.Join(' ', Enumerable.Repeat("alpha beta gamma the", 10));
        rows[3].Text = "ALPHA,beta;Gamma--the...über 東京 x²y 42 a_b";
        rows[4].Text = "\t  !!! ";
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Lstm(new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords, EmbeddingSize = 8, HiddenSize = 8, Cell = cell,
            Bidirectional = true, Pooling = SequencePoolingKind.Mean, Truncation = truncation, Epochs = 2, ThreadCount = 1,
        })).Fit(data);
        OnnxPipelineCheck.MatchesDeepOpt(ml, model, data, PredictionKind.MulticlassClassification);
    }

    [TestMethod]
    public void Recurrent_KeyColumnFromMlNetTokens_MatchesInPlainMlNet()
    {
        var ml = new MLContext(seed: 1);
        var rows = WordOrder.MakeBinary(Rows, seed: 9);
        rows[0].Text = "";
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.TokenizeIntoWords("Words", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Words"))
            .Append(ml.BinaryClassification.Trainers.Lstm(new LstmOptions { FeatureColumnName = "Words", MaxSequenceLength = WordOrder.MaxWords, EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, ThreadCount = 1 }))
            .Fit(data);
        OnnxPipelineCheck.MatchesDeepOpt(ml, model, data, PredictionKind.BinaryClassification);
    }

    [TestMethod]
    public void Recurrent_UInt16CharacterKeys_MatchesInPlainMlNet()
    {
        // TokenizeIntoCharactersAsKeys gives UInt16 keys; the graph looks each up in the vocabulary of the characters
        // training used, and the last row's characters were never seen.
        var ml = new MLContext(seed: 1);
        var rows = WordOrder.MakeBinary(Rows, seed: 9);
        rows[^1].Text = "ZZZ ÿ@#";
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Characters", "Text")
            .Append(ml.BinaryClassification.Trainers.Lstm(new LstmOptions { FeatureColumnName = "Characters", MaxSequenceLength = 40, EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, ThreadCount = 1 }))
            .Fit(ml.Data.TakeRows(data, Rows - 1));
        OnnxPipelineCheck.MatchesDeepOpt(ml, model, data, PredictionKind.BinaryClassification);
    }

    [TestMethod]
    public void Recurrent_CharacterTokenization_IsRefusedWithTheFix()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(WordOrder.MakeBinary(64, seed: 9));
        using var model = ml.BinaryClassification.Trainers.Lstm(new LstmOptions { FeatureColumnName = "Text", Tokenization = TokenizationKind.Characters, EmbeddingSize = 4, HiddenSize = 4, Epochs = 1, ThreadCount = 1 }).Fit(data);
        var error = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.ConvertToOnnxPipeline(model, data));
        StringAssert.Contains(error.Message, "`Tokenization`");
    }

    [TestMethod]
    public void Mlp_KeyLabelWithoutKeyValues_GivesAKeyOfTheSameCount()
    {
        var ml = new MLContext(seed: 1);
        var rows = Synthetic.Blobs(300, classes: 3, seed: 11).Select(r => new KeyRow { Features = r.Features, Label = (uint)r.Label + 1 }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 2, ThreadCount = 1 }).Fit(data);
        var plain = ml.Model.ConvertToOnnxPipeline(model, data).Transform(data);
        var expected = model.Transform(data);
        Assert.AreEqual(expected.Schema["PredictedLabel"].Type, plain.Schema["PredictedLabel"].Type);
        CollectionAssert.AreEqual(expected.GetColumn<uint>("PredictedLabel").ToArray(), plain.GetColumn<uint>("PredictedLabel").ToArray());
        Assert.AreEqual(ml.MulticlassClassification.Evaluate(expected).MicroAccuracy, ml.MulticlassClassification.Evaluate(plain).MicroAccuracy, 1e-9);
    }

    [TestMethod]
    public void ConvertToOnnxPipeline_ImagesOfNoFixedSize_NamesTheColumnAndResizeImages()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(WriteImages("unsized", 40, seed: 6));
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnOptions { FeatureColumnName = "Image", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [4], Epochs = 1 }))
            .Fit(data);
        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.Model.ConvertToOnnxPipeline(model, data));
        StringAssert.Contains(error.Message, "Features column 'Image'");
        StringAssert.Contains(error.Message, "ResizeImages(\"Image\", 12, 12)");
    }

    [TestMethod]
    public void ConvertToOnnxPipeline_NoDeepOptModelOrDisposedModel_Throws()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 60, classes: 2, seed: 1);
        var plain = ml.Transforms.NormalizeMinMax("Features").Fit(data);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ml.Model.ConvertToOnnxPipeline(plain, data)).Message, "holds 0 DeepOpt models");

        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [4], Epochs = 1 }).Fit(data);
        model.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => ml.Model.ConvertToOnnxPipeline(model, data));
    }

    [TestMethod]
    public void Separators_AreExactlyTheUnitsDeepOptSplitsAt()
    {
        var separators = OnnxPipeline.Separators.ToHashSet();
        for (int c = 0; c <= char.MaxValue; c++)
        {
            Assert.AreEqual(!char.IsLetterOrDigit((char)c), separators.Contains((char)c), $"U+{c:X4}");
        }
    }

    /// <summary>Writes bars as PNG files, the bar coloured on a grey background, and lists them.</summary>
    private static List<ImageFile> WriteImages(string prefix, int rows, int seed)
    {
        var files = new List<ImageFile>();
        foreach (var (bar, i) in Bars.Make(rows, seed).Select((b, i) => (b, i)))
        {
            var bgra = new byte[Bars.Size * Bars.Size * 4];
            for (int p = 0; p < Bars.Size * Bars.Size; p++)
            {
                byte value = (byte)Math.Clamp(bar.Pixels[p], 0, 255);
                (bgra[4 * p], bgra[(4 * p) + 1], bgra[(4 * p) + 2], bgra[(4 * p) + 3]) = (value, (byte)(255 - value), (byte)((value * 7) % 256), 255);
            }

            string name = $"{prefix}-{i}.png";
            using var image = MLImage.CreateFromPixels(Bars.Size, Bars.Size, MLPixelFormat.Bgra32, bgra);
            image.Save(Path.Combine(s_folder, name));
            files.Add(new ImageFile { Path = name, Label = bar.Label });
        }

        return files;
    }

    public sealed class KeyRow
    {
        [VectorType(Synthetic.Dimensions)]
        public float[] Features { get; set; } = [];

        [KeyType(4)]
        public uint Label { get; set; }
    }

    public sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }
    }

    public sealed class ImageFile
    {
        public string Path { get; set; } = "";

        public float Label { get; set; }
    }
}
