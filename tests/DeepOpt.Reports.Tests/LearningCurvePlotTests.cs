// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Reports.Tests.Support;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Reports.Tests;

[TestClass]
public class LearningCurvePlotTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void RenderPng_OfAHistory_IsAValidNonTrivialPng()
    {
        var history = Enumerable.Range(1, 12)
            .Select(e => new EpochReport(e, 12, 1.0 / e, 1.2 / e, 0.5 + (0.03 * e), 1e-3 * Math.Cos(e / 8.0), 0.1)).ToList();

        PngAssert.IsNonTrivial(LearningCurvePlot.RenderPng(history, 700, 800), 700, 800);
    }

    [TestMethod]
    public void RenderPng_WithoutValidationOrEpochs_StillRenders()
    {
        var noValidation = Enumerable.Range(1, 4).Select(e => new EpochReport(e, 4, 1.0 / e, null, null, 0.01, 0.1)).ToList();

        PngAssert.IsNonTrivial(LearningCurvePlot.RenderPng(noValidation), 900, 900);
        PngAssert.IsNonTrivial(LearningCurvePlot.RenderPng([]), 900, 900);
    }

    [TestMethod]
    public void SavePng_OfAFittedModel_WritesItsHistory()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(1);
        var rows = Enumerable.Range(0, 200).Select(i => new Row
        {
            Label = i % 2 == 0 ? "a" : "b",
            Features = Enumerable.Range(0, 4).Select(_ => (i % 2 == 0 ? -1f : 1f) + (float)random.NextDouble()).ToArray(),
        });
        var options = new MlpOptions { HiddenLayerSizes = [8], Epochs = 3, ValidationFraction = 0.2, Seed = 1, ThreadCount = 1 };
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(ml.Data.LoadFromEnumerable(rows));
        var path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), "learning-curves.png");

        LearningCurvePlot.SavePng(model.LastTransformer, path);

        Assert.AreEqual(3, model.LastTransformer.History.Count);
        PngAssert.IsNonTrivial(File.ReadAllBytes(path), 900, 900);
        TestContext.AddResultFile(path);
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }
}
