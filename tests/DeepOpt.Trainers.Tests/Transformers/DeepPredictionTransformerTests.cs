// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class DeepPredictionTransformerTests
{
    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}{extension}");

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void PredictionEngineDispose_OwningEngine_LaterUsesThrowNamingTheModelAndSaveWritesNothing(bool inChain)
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 2, 1);
        var (model, deep) = Fit(ml, data, inChain);
        long weights = deep.ParameterCount;
        using (var engine = ml.Model.CreatePredictionEngine<VectorRow, ScoreRow>(model))
        {
            Assert.HasCount(2, engine.Predict(new VectorRow { Features = new float[4] }).Score);
        }

        // ML.NET's rule: the engine owned the model (or the chain holding it) and disposed it.
        string path = TempFile(".zip");
        var errors = new List<ObjectDisposedException>
        {
            Assert.Throws<ObjectDisposedException>(() => model.Transform(data)),
            Assert.Throws<ObjectDisposedException>(() => deep.ParameterCount),
            Assert.Throws<ObjectDisposedException>(() => ml.Model.SaveDeepOpt(model, data.Schema, path)),
            Assert.Throws<ObjectDisposedException>(() => ml.Model.SaveDeepOpt(model, data.Schema, new MemoryStream())),
        };
        Assert.IsFalse(File.Exists(path), "a disposed model wrote a file");
        Assert.IsGreaterThan(0L, weights);
        foreach (var error in errors)
        {
            StringAssert.StartsWith(error.ObjectName, "DeepOpt Mlp model (MulticlassClassification, reads 'Features')");
            StringAssert.Contains(error.Message, "OwnsTransformer = false");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void PredictionEngineDispose_EngineThatDoesNotOwnTheModel_ModelStillPredictsAndSavesItsWeights(bool inChain)
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 2, 1);
        var (model, deep) = Fit(ml, data, inChain);
        using (deep)
        {
            float[] viaEngine;
            using (var engine = ml.Model.CreatePredictionEngine<VectorRow, ScoreRow>(model, new PredictionEngineOptions { OwnsTransformer = false }))
            {
                viaEngine = engine.Predict(Synthetic.Blobs(1, 2, 1)[0]).Score;
            }

            var expected = model.Transform(data).GetColumn<float[]>("Score").ToList();
            Assert.IsGreaterThan(0L, deep.ParameterCount);
            // One row alone and the same row in a batch may differ in the last bit (another matrix-product kernel).
            Assert.HasCount(expected[0].Length, viaEngine);
            for (int k = 0; k < viaEngine.Length; k++)
            {
                Assert.AreEqual(expected[0][k], viaEngine[k], 1e-5f);
            }

            var stream = new MemoryStream();
            ml.Model.SaveDeepOpt(model, data.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.LoadDeepOpt(stream, out _);
            using var loadedDeep = ((IEnumerable<ITransformer>)loaded).OfType<DeepPredictionTransformer>().Single();
            var weights = deep.Network.parameters().Select(p => p.data<float>().ToArray()).ToList();
            var loadedWeights = loadedDeep.Network.parameters().Select(p => p.data<float>().ToArray()).ToList();
            Assert.HasCount(weights.Count, loadedWeights);
            for (int i = 0; i < weights.Count; i++)
            {
                CollectionAssert.AreEqual(weights[i], loadedWeights[i]);
            }

            // The same weights in other memory may take another kernel path (the last bit again).
            var actual = loaded.Transform(data).GetColumn<float[]>("Score").ToList();
            for (int i = 0; i < expected.Count; i++)
            {
                for (int k = 0; k < expected[i].Length; k++)
                {
                    Assert.AreEqual(expected[i][k], actual[i][k], 1e-5f);
                }
            }
        }
    }

    [TestMethod]
    public void Dispose_WhileAnotherThreadPredicts_PredictionsEndWithObjectDisposedExceptionAndNoCrash()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Digits.Load());
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "Pixels", HiddenLayerSizes = [256, 256], Epochs = 1 }))
            .Fit(data);
        string path = TempFile(".zip");
        try
        {
            ml.Model.SaveDeepOpt(model, data.Schema, path);
            ((IDisposable)model).Dispose();
            const int rounds = 40;

            // In a child process, so that a native crash fails this test instead of ending the test run.
            var (exitCode, output) = FreshProcess.Race(path, rounds);

            Assert.AreEqual(0, exitCode, output);
            StringAssert.Contains(output, $"rounds {rounds} threads 3 disposed {rounds * 3} other 0");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Dispose_Twice_IsHarmless()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.MulticlassClassification.Trainers.Mlp(epochs: 1).Fit(Synthetic.KeyedBlobs(ml, 40, 2, 1));
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.ParameterCount);
    }

    private static (ITransformer Model, DeepPredictionTransformer Deep) Fit(MLContext ml, IDataView data, bool inChain)
    {
        var trainer = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 1 });
        if (!inChain)
        {
            var deep = trainer.Fit(data);
            return (deep, deep);
        }

        var chain = ml.Transforms.CopyColumns("Copy", "Features").Append(trainer).Fit(data);
        return (chain, chain.LastTransformer);
    }

    /// <summary>The scores of one row.</summary>
    public sealed class ScoreRow
    {
        /// <summary>One probability per class.</summary>
        public float[] Score { get; set; } = Array.Empty<float>();
    }
}
