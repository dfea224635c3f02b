// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Every bad input gets an exception naming the column or option and the fix, before any training.</summary>
[TestClass]
public sealed class InputErrorTests
{
    private readonly MLContext _ml = new(seed: 1);

    private sealed class DoubleRow
    {
        [VectorType(2)]
        public double[] Features { get; set; } = new double[2];

        public float Label { get; set; }
    }

    private sealed class ScalarRow
    {
        public float Features { get; set; }

        public float Label { get; set; }
    }

    private sealed class VariableRow
    {
        [VectorType]
        public float[] Features { get; set; } = new float[2];

        public float Label { get; set; }
    }

    private static void AssertMessage(Exception error, params string[] parts)
    {
        foreach (var part in parts)
        {
            StringAssert.Contains(error.Message, part);
        }
    }

    private IEstimator<ITransformer> Keyed(MlpOptions options) =>
        _ml.Transforms.Conversion.MapValueToKey("Label").Append(_ml.MulticlassClassification.Trainers.Mlp(options));

    [TestMethod]
    public void Fit_MissingFeatureColumn_NamesTheColumnAndTheOption()
    {
        var data = _ml.Data.LoadFromEnumerable(Synthetic.Blobs(40, 2, 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(new MlpOptions { FeatureColumnName = "Pixels" }).Fit(data));
        AssertMessage(error, "Could not find features column 'Pixels'", "FeatureColumnName");
    }

    [TestMethod]
    public void GetOutputSchema_DoubleFeatures_SaysTheExpectedTypeAndTheFix()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new DoubleRow(), new DoubleRow { Label = 1 } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(new MlpOptions()).GetOutputSchema(MlNetInternals.Shape(data.Schema)));
        AssertMessage(error, "Schema mismatch for features column 'Features'", "expected known-size vector of Single", "Double", "ConvertType");
    }

    [TestMethod]
    public void Fit_ScalarFeatures_SaysToConcatenate()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new ScalarRow(), new ScalarRow { Label = 1 } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(new MlpOptions()).Fit(data));
        AssertMessage(error, "features column 'Features'", "Concatenate");
    }

    [TestMethod]
    public void Fit_VariableSizeFeatures_SaysKnownSize()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new VariableRow(), new VariableRow { Label = 1 } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(new MlpOptions()).Fit(data));
        AssertMessage(error, "features column 'Features'", "known-size vector of Single");
    }

    [TestMethod]
    public void Fit_FloatLabelForMulticlass_SaysToMapValueToKey()
    {
        var data = _ml.Data.LoadFromEnumerable(Synthetic.Blobs(40, 2, 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Mlp().Fit(data));
        AssertMessage(error, "Schema mismatch for label column 'Label'", "expected key", "MapValueToKey");
    }

    [TestMethod]
    public void Fit_FloatLabelForBinary_SaysBoolean()
    {
        var data = _ml.Data.LoadFromEnumerable(Synthetic.Blobs(40, 2, 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.BinaryClassification.Trainers.Mlp().Fit(data));
        AssertMessage(error, "label column 'Label'", "expected Boolean");
    }

    [TestMethod]
    public void Fit_MissingLabel_NamesTheColumn()
    {
        var data = _ml.Data.LoadFromEnumerable(Synthetic.Regression(40, 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Regression.Trainers.Mlp(labelColumnName: "Price").Fit(data));
        AssertMessage(error, "Could not find label column 'Price'", "LabelColumnName");
    }

    [TestMethod]
    [DataRow(float.NaN, "NaN")]
    [DataRow(float.PositiveInfinity, "infinite")]
    public void Fit_NonFiniteFeature_NamesTheRowAndTheFix(float bad, string word)
    {
        var rows = Synthetic.Blobs(40, 2, 1);
        rows[5].Features[2] = bad;
        var error = Assert.Throws<InvalidOperationException>(() => Keyed(new MlpOptions()).Fit(_ml.Data.LoadFromEnumerable(rows)));
        AssertMessage(error, word, "feature column 'Features'", "row 5", "slot 2", "ReplaceMissingValues");
    }

    [TestMethod]
    public void Fit_EmptyData_SaysNoRows()
    {
        var data = _ml.Data.LoadFromEnumerable(new List<VectorRow>());
        var error = Assert.Throws<InvalidOperationException>(() => _ml.Regression.Trainers.Mlp().Fit(data));
        AssertMessage(error, "training data has no rows");
    }

    [TestMethod]
    public void Fit_SingleClass_SaysTwoClassesAreNeeded()
    {
        var rows = Synthetic.Blobs(40, 1, 1);
        var error = Assert.Throws<InvalidOperationException>(() => Keyed(new MlpOptions()).Fit(_ml.Data.LoadFromEnumerable(rows)));
        AssertMessage(error, "single class", "label column 'Label'");
    }

    [TestMethod]
    public void Fit_FewerRowsThanABatch_SaysToLowerBatchSize()
    {
        var rows = Synthetic.Blobs(20, 2, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(new MlpOptions { BatchSize = 32 }).Fit(_ml.Data.LoadFromEnumerable(rows)));
        Assert.AreEqual("BatchSize", error.ParamName);
        AssertMessage(error, "20 rows", "Lower `BatchSize`");
    }

    [TestMethod]
    public void Fit_WrongClassWeightCount_SaysHowMany()
    {
        var data = Synthetic.KeyedBlobs(_ml, 40, 3, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { ClassWeights = [1, 2] }).Fit(data));
        AssertMessage(error, "one weight per class (3)", "has 2");
    }

    [TestMethod]
    [DataRow("Dropout", "`Dropout` must be in [0, 1), but got 1.5.")]
    [DataRow("LearningRate", "`LearningRate` must be greater than 0, but got -1.")]
    [DataRow("BatchSize", "`BatchSize` must be 1 or more, but got 0.")]
    [DataRow("HiddenLayerSizes", "`HiddenLayerSizes` must be 1 or more, but got 0.")]
    [DataRow("WarmupEpochs", "`WarmupEpochs` must be fewer than `Epochs` (10), but got 10.")]
    [DataRow("ValidationFraction", "Early stopping needs validation data")]
    [DataRow("Loss", "does not fit MulticlassClassification")]
    public void Constructor_BadOption_ThrowsNamingTheOption(string option, string message)
    {
        var options = new MlpOptions();
        switch (option)
        {
            case "Dropout": options.Dropout = 1.5; break;
            case "LearningRate": options.LearningRate = -1; break;
            case "BatchSize": options.BatchSize = 0; break;
            case "HiddenLayerSizes": options.HiddenLayerSizes = [8, 0]; break;
            case "WarmupEpochs": options.WarmupEpochs = 10; break;
            case "ValidationFraction": options.EarlyStoppingPatience = 2; break;
            default: options.Loss = LossKind.Huber; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Mlp(options));
        Assert.AreEqual(option, error.ParamName);
        AssertMessage(error, message);
    }

    [TestMethod]
    public void Transform_WrongFeatureSize_SaysTheExpectedSize()
    {
        using var model = _ml.MulticlassClassification.Trainers.Mlp(epochs: 1).Fit(Synthetic.KeyedBlobs(_ml, 40, 2, 1));
        var wrong = _ml.Data.LoadFromEnumerable(new[] { new VariableRow() });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(wrong));
        AssertMessage(error, "features column 'Features'", "size 4");
    }
}
