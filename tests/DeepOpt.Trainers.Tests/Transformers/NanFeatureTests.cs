// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>A NaN or infinite feature at prediction time is refused with the training data's wording, never scored.</summary>
[TestClass]
public sealed class NanFeatureTests
{
    [TestMethod]
    public void Transform_NaNFeature_ThrowsNamingColumnRowAndSlot()
    {
        var ml = new MLContext(seed: 1);
        var mapLabel = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(Synthetic.Blobs(60, 3, seed: 1)));
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 1 })
            .Fit(mapLabel.Transform(ml.Data.LoadFromEnumerable(Synthetic.Blobs(60, 3, seed: 1))));
        var rows = Synthetic.Blobs(300, 3, seed: 2);
        rows[270].Features[2] = float.NaN;
        var scored = model.Transform(mapLabel.Transform(ml.Data.LoadFromEnumerable(rows)));

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => scored.GetColumn<uint>("PredictedLabel").ToArray());
        Assert.AreEqual("The data to score has a NaN value in feature column 'Features' at row 270, slot 2. Replace it first, for example with ml.Transforms.ReplaceMissingValues, or filter the row out.", error.Message);
        Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.Evaluate(scored));
    }

    [TestMethod]
    public void PredictionEngine_InfiniteFeature_ThrowsAndTheNextRowPredicts()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 3 })
            .Fit(ml.Data.LoadFromEnumerable(Synthetic.BinaryBlobs(60, seed: 1)));
        var engine = ml.Model.CreatePredictionEngine<BinaryRow, Scored>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var bad = new BinaryRow { Features = [1, float.PositiveInfinity, 0, 0] };

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => engine.Predict(bad));
        StringAssert.Contains(error.Message, "an infinite value in feature column 'Features'");
        var good = engine.Predict(Synthetic.BinaryBlobs(1, seed: 3)[0]);
        Assert.IsTrue(float.IsFinite(good.Score));
    }

    private sealed class Scored
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }
    }
}
