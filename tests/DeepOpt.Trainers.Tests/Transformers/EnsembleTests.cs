// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class EnsembleTests
{
    private const int Rows = 150;

    /// <summary>Three-class blobs that overlap, so members of different seeds disagree on some rows.</summary>
    private static IDataView Blobs(MLContext ml) => Synthetic.KeyedBlobs(ml, Rows, 3, 1, spread: 1.5);

    private static ITransformer[] MlpMembers(MLContext ml, IDataView data, params int[] seeds) =>
        seeds.Select(seed => (ITransformer)ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 3, Seed = seed }).Fit(data)).ToArray();

    [TestMethod]
    public void Transform_Multiclass_AveragesTheMembersProbabilities_DeepOptAndMlNetAlike()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var members = MlpMembers(ml, data, 1, 2).Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(data)).ToArray();
        var memberScores = members.Select(m => m.Transform(data).GetColumn<float[]>("Score").ToArray()).ToArray();
        using var ensemble = ml.Model.CreateEnsemble(members, data.Schema);

        var scored = ensemble.Transform(data);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();

        Assert.AreEqual(PredictionKind.MulticlassClassification, ensemble.Task);
        Assert.HasCount(Rows, scores);
        int disagreements = 0;
        for (int row = 0; row < Rows; row++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.AreEqual(memberScores.Average(s => s[row][c]), scores[row][c], 1e-6, $"row {row}, class {c}");
            }

            Assert.AreEqual((uint)Array.IndexOf(scores[row], scores[row].Max()) + 1, predicted[row], $"row {row}");
            disagreements += memberScores.Select(s => Array.IndexOf(s[row], s[row].Max())).Distinct().Count() > 1 ? 1 : 0;
        }

        Assert.IsGreaterThan(0, disagreements, "the members never disagree, so the test shows nothing");
        var labels = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored).GetColumn<float>("PredictedLabel").ToArray();
        CollectionAssert.IsSubsetOf(labels.Distinct().ToArray(), new[] { 0f, 1f, 2f }, "PredictedLabel keeps the label's key values");
    }

    [TestMethod]
    public void PredictionEngine_GivesTheTransformsScores()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        using var ensemble = ml.Model.CreateEnsemble(MlpMembers(ml, data, 1, 2), data.Schema);
        var expected = ensemble.Transform(data).GetColumn<float[]>("Score").ToArray();
        var rows = Synthetic.Blobs(Rows, 3, 1, spread: 1.5);

        using var engine = ml.Model.CreatePredictionEngine<VectorRow, Prediction>(ensemble, new PredictionEngineOptions { OwnsTransformer = false });
        for (int i = 0; i < Rows; i += 7)
        {
            AssertClose(expected[i], engine.Predict(rows[i]).Score, $"row {i}");
        }
    }

    [TestMethod]
    public async Task Transform_FromTwoThreadsAtOnce_GivesTheSameScores()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        using var ensemble = ml.Model.CreateEnsemble(MlpMembers(ml, data, 1, 2, 3), data.Schema);
        var expected = ensemble.Transform(data).GetColumn<float[]>("Score").ToArray();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 5).Select(_ => ensemble.Transform(data).GetColumn<float[]>("Score").ToArray()).ToList())));

        foreach (var scores in runs.SelectMany(r => r))
        {
            for (int row = 0; row < Rows; row++)
            {
                AssertClose(expected[row], scores[row], $"row {row}");
            }
        }
    }

    [TestMethod]
    public void Transform_BinaryAndRegression_AverageProbabilityAndScore()
    {
        var ml = new MLContext(seed: 1);
        var binary = ml.Data.LoadFromEnumerable(Synthetic.BinaryBlobs(Rows, 1));
        var classifiers = new[] { 1, 2 }.Select(s => (ITransformer)ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [4], Epochs = 1, Seed = s }).Fit(binary)).ToArray();
        var probabilities = classifiers.Select(m => m.Transform(binary).GetColumn<float>("Probability").ToArray()).ToArray();
        using (var ensemble = ml.Model.CreateEnsemble(classifiers, binary.Schema))
        {
            var scored = ensemble.Transform(binary);
            var probability = scored.GetColumn<float>("Probability").ToArray();
            var score = scored.GetColumn<float>("Score").ToArray();
            var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
            for (int row = 0; row < Rows; row++)
            {
                float mean = (probabilities[0][row] + probabilities[1][row]) / 2;
                Assert.AreEqual(mean, probability[row], 1e-5, $"row {row}");
                Assert.AreEqual(MathF.Log(mean / (1 - mean)), score[row], 1e-3, $"row {row}: Score is the mean probability's logit");
                Assert.AreEqual(mean > 0.5f, predicted[row], $"row {row}");
            }
        }

        var regression = ml.Data.LoadFromEnumerable(Synthetic.Regression(Rows, 1));
        var regressors = new[] { 1, 2, 3 }.Select(s => (ITransformer)ml.Regression.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [4], Epochs = 1, Seed = s }).Fit(regression)).ToArray();
        var values = regressors.Select(m => m.Transform(regression).GetColumn<float>("Score").ToArray()).ToArray();
        using var averaged = ml.Model.CreateEnsemble(regressors, regression.Schema);
        var scores = averaged.Transform(regression).GetColumn<float>("Score").ToArray();
        for (int row = 0; row < Rows; row++)
        {
            Assert.AreEqual(values.Average(v => v[row]), scores[row], 1e-5, $"row {row}");
        }
    }

    [TestMethod]
    public void SaveDeepOpt_Ensemble_InAPipeline_LoadsAndScoresIdentically()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var ensemble = ml.Model.CreateEnsemble(MlpMembers(ml, data, 1, 2, 3), data.Schema);
        using var pipeline = new TransformerChain<ITransformer>(ensemble, ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(ensemble.Transform(data)));
        var stream = new MemoryStream();
        ml.Model.SaveDeepOpt(pipeline, data.Schema, stream);
        stream.Position = 0;

        var loaded = (TransformerChain<ITransformer>)ml.Model.LoadDeepOpt(stream, out var schema);
        using var disposeLoaded = loaded;

        var loadedEnsemble = loaded.OfType<EnsembleTransformer>().Single();
        Assert.HasCount(3, loadedEnsemble.Members);
        Assert.AreEqual(data.Schema["Features"].Type, schema["Features"].Type);
        var expected = pipeline.Transform(data);
        var actual = loaded.Transform(data);
        var expectedScores = expected.GetColumn<float[]>("Score").ToArray();
        var actualScores = actual.GetColumn<float[]>("Score").ToArray();
        for (int row = 0; row < Rows; row++)
        {
            AssertClose(expectedScores[row], actualScores[row], $"row {row}");
        }

        CollectionAssert.AreEqual(expected.GetColumn<float>("PredictedLabel").ToArray(), actual.GetColumn<float>("PredictedLabel").ToArray());
    }

    [TestMethod]
    public void LoadDeepOpt_EnsembleOfPipelines_InAFreshProcess_PredictsIdentically()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Digits.Load());
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var keyed = keys.Transform(data);
        var members = new[] { 1, 2 }.Select(seed => (ITransformer)ml.Transforms.NormalizeMinMax("Features", "Pixels")
            .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 2, Seed = seed }))
            .Fit(keyed)).ToList();
        var ensemble = ml.Model.CreateEnsemble(members, keyed.Schema);
        using var model = new TransformerChain<ITransformer>(keys, ensemble, ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(ensemble.Transform(keyed)));
        string modelPath = Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}.zip");
        string scoresPath = Path.ChangeExtension(modelPath, ".txt");
        try
        {
            ml.Model.SaveDeepOpt(model, data.Schema, modelPath);
            var expected = ScoreLines.Of(model.Transform(data)).ToList();

            var actual = FreshProcess.Score(modelPath, scoresPath);

            Assert.HasCount(1797, actual);
            FreshProcess.AssertSameScores(expected, actual);
        }
        finally
        {
            File.Delete(modelPath);
            File.Delete(scoresPath);
        }
    }

    [TestMethod]
    public void ConvertToOnnx_EnsembleOfNetworks_MatchesInOnnxRuntime()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        using var ensemble = ml.Model.CreateEnsemble(MlpMembers(ml, data, 1, 2, 3), data.Schema);
        using var file = new MemoryStream();
        ml.Model.ConvertToOnnx(ensemble, file);

        var features = data.GetColumn<float[]>("Features").SelectMany(f => f).ToArray();
        using var session = new InferenceSession(file.ToArray());
        using var input = OrtValue.CreateTensorValueFromMemory(features, [Rows, Synthetic.Dimensions]);
        using var outputs = session.Run(new RunOptions(), ["Features"], [input], ["Score"]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] expected = ensemble.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();

        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], OnnxRuntimeCheck.Tolerance, $"value {i}");
        }

        Assert.AreEqual("3", session.ModelMetadata.CustomMetadataMap["deepopt.ensemble_size"]);
        Assert.AreEqual("MulticlassClassification", session.ModelMetadata.CustomMetadataMap["deepopt.task"]);
    }

    [TestMethod]
    public void ConvertToOnnx_MemberWithoutANetwork_NamesTheMember_AndThePipelineFormSaysWhy()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var members = MlpMembers(ml, data, 1).Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(data)).ToArray();
        using var ensemble = ml.Model.CreateEnsemble(members, data.Schema);
        string path = Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}.onnx");

        var error = Assert.Throws<ArgumentException>(() => ml.Model.ConvertToOnnx(ensemble, path));
        StringAssert.Contains(error.Message, "Ensemble member 1 holds 0 DeepOpt models");
        Assert.IsFalse(File.Exists(path), "a refused export leaves no file");
        var pipeline = Assert.Throws<ArgumentException>(() => ml.Model.ConvertToOnnxPipeline(ensemble, data));
        StringAssert.Contains(pipeline.Message, "ConvertToOnnx");

        var otherColumn = ml.Transforms.CopyColumns("Other", "Features")
            .Append<ITransformer>(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "Other", HiddenLayerSizes = [8], Epochs = 1 }))
            .Fit(data);
        using var differentInputs = ml.Model.CreateEnsemble([MlpMembers(ml, data, 1).Single(), otherColumn], data.Schema);
        using var inPipeline = new TransformerChain<ITransformer>(differentInputs, ml.Transforms.CopyColumns("Copy", "Score").Fit(differentInputs.Transform(data)));
        var inputs = Assert.Throws<ArgumentException>(() => ml.Model.ConvertToOnnx(inPipeline, new MemoryStream()));
        StringAssert.Contains(inputs.Message, "Ensemble member 1's network reads 'Other' otherwise than member 0's");
    }

    [TestMethod]
    public void CreateEnsemble_MembersThatDoNotAgree_NameTheMemberAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var three = Blobs(ml);
        var two = Synthetic.KeyedBlobs(ml, 60, 2, 1);
        using var threeClasses = MlpMembers(ml, three, 1).Single() as IDisposable;
        using var twoClasses = MlpMembers(ml, two, 1).Single() as IDisposable;

        var classes = Assert.Throws<ArgumentException>(() => ml.Model.CreateEnsemble([(ITransformer)threeClasses!, (ITransformer)twoClasses!], three.Schema));
        StringAssert.Contains(classes.Message, "Ensemble member 1 predicts 2 classes, but member 0 predicts 3 classes");
        var noScore = Assert.Throws<ArgumentException>(() => ml.Model.CreateEnsemble([(ITransformer)threeClasses!, ml.Transforms.NormalizeMinMax("Features").Fit(three)], three.Schema));
        StringAssert.Contains(noScore.Message, "Ensemble member 1 gives no 'Score' column");
        var empty = Assert.Throws<ArgumentException>(() => ml.Model.CreateEnsemble([], three.Schema));
        StringAssert.Contains(empty.Message, "one or more");
        var other = new DataViewSchema.Builder();
        other.AddColumn("Other", NumberDataViewType.Single);
        var wrongInput = Assert.Throws<ArgumentException>(() => ml.Model.CreateEnsemble([(ITransformer)threeClasses!], other.ToSchema()));
        StringAssert.Contains(wrongInput.Message, "Ensemble member 0 cannot read this input");
    }

    [TestMethod]
    public void Dispose_DisposesTheMembers_AndLaterUsesSaySo()
    {
        var ml = new MLContext(seed: 1);
        var data = Blobs(ml);
        var members = MlpMembers(ml, data, 1, 2);
        var ensemble = ml.Model.CreateEnsemble(members, data.Schema);
        var scored = ensemble.Transform(data);

        ensemble.Dispose();
        ensemble.Dispose(); // twice is harmless

        Assert.IsTrue(members.Cast<DeepPredictionTransformer>().All(m => m.IsDisposed));
        var transform = Assert.Throws<ObjectDisposedException>(() => ensemble.Transform(data));
        StringAssert.Contains(transform.Message, "ensemble of 2 models was disposed");
        Assert.Throws<ObjectDisposedException>(() => scored.GetColumn<float[]>("Score").ToArray());
        Assert.Throws<ObjectDisposedException>(() => ml.Model.SaveDeepOpt(ensemble, data.Schema, new MemoryStream()));
    }

    /// <summary>Scores equal to within float rounding (a batch of one row and a batch of many may round apart).</summary>
    private static void AssertClose(float[] expected, float[] actual, string row)
    {
        Assert.HasCount(expected.Length, actual, row);
        for (int c = 0; c < expected.Length; c++)
        {
            Assert.AreEqual(expected[c], actual[c], 1e-6, $"{row}, class {c}");
        }
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }
}
