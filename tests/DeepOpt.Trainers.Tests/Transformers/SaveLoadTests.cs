// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class SaveLoadTests
{
    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}{extension}");

    [TestMethod]
    [DataRow("mlp")]
    [DataRow("cnn")]
    public void LoadDeepOpt_InAFreshProcess_PredictsIdentically(string trainer)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Digits.Load());
        var network = trainer == "mlp"
            ? ml.Transforms.NormalizeMinMax("Features", "Pixels")
                .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [32], BatchNorm = true, Dropout = 0.1, Epochs = 2 }))
            : ml.MulticlassClassification.Trainers.Cnn(new CnnOptions
            {
                FeatureColumnName = "Pixels", ImageHeight = 8, ImageWidth = 8, PixelScale = 1.0 / 16, ConvFilters = [8, 16], BatchNorm = true,
                Residual = true, RandomCropPadding = 1, Epochs = 2,
            }).Append<ITransformer>(ml.Transforms.CopyColumns("Copy", "Score"));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(network)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        string modelPath = TempFile(".zip");
        string scoresPath = TempFile(".txt");
        try
        {
            ml.Model.SaveDeepOpt(model, data.Schema, modelPath);
            var expected = ScoreLines.Of(model.Transform(data)).ToList();

            var actual = FreshProcess.Score(modelPath, scoresPath);
            Assert.HasCount(1797, actual);
            FreshProcess.AssertSameScores(expected, actual);

            using var deep = Flatten(ml.Model.LoadDeepOpt(modelPath, out _)).OfType<DeepPredictionTransformer>().Single();
            using var original = Flatten(model).OfType<DeepPredictionTransformer>().Single();
            Assert.IsTrue(MlpTrainerTests.WeightsEqual(original, deep), "weights are not bitwise equal after loading");
        }
        finally
        {
            File.Delete(modelPath);
            File.Delete(scoresPath);
        }
    }

    [TestMethod]
    public void LoadDeepOpt_BinaryAndRegression_ScoreIdentically()
    {
        var ml = new MLContext(seed: 1);
        var binary = ml.Data.LoadFromEnumerable(Synthetic.BinaryBlobs(80, 1));
        var regression = ml.Data.LoadFromEnumerable(Synthetic.Regression(80, 1));
        AssertRoundTrip(ml, ml.BinaryClassification.Trainers.Mlp(epochs: 2).Fit(binary), binary, "Probability");
        AssertRoundTrip(ml, ml.Regression.Trainers.Mlp(epochs: 2).Fit(regression), regression, "Score");
    }

    [TestMethod]
    public void Save_WithMlNetsOwnSave_SaysToUseSaveDeepOpt()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 2, 1);
        using var model = ml.MulticlassClassification.Trainers.Mlp(epochs: 1).Fit(data);
        var error = Assert.Throws<NotSupportedException>(() => ml.Model.Save(model, data.Schema, new MemoryStream()));
        StringAssert.Contains(error.Message, "ml.Model.SaveDeepOpt");
    }

    [TestMethod]
    public void LoadDeepOpt_NotADeepOptFile_SaysWhatItIs()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Synthetic.Regression(10, 1));
        var stream = new MemoryStream();
        ml.Model.Save(ml.Transforms.NormalizeMinMax("Features").Fit(data), data.Schema, stream);
        stream.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => ml.Model.LoadDeepOpt(stream, out _));
        StringAssert.Contains(error.Message, "ml.Model.Load");
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { transformer };

    private static void AssertRoundTrip(MLContext ml, DeepPredictionTransformer model, IDataView data, string column)
    {
        using (model)
        {
            var stream = new MemoryStream();
            ml.Model.SaveDeepOpt(model, data.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.LoadDeepOpt(stream, out var schema);
            Assert.AreEqual(data.Schema.Count, schema.Count);
            var expected = model.Transform(data).GetColumn<float>(column).ToArray();
            var actual = loaded.Transform(data).GetColumn<float>(column).ToArray();
            CollectionAssert.AreEqual(expected, actual);
            ((IDisposable)((IEnumerable<ITransformer>)loaded).Single()).Dispose();
        }
    }
}
