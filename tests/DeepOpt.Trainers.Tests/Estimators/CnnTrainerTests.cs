// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class CnnTrainerTests
{
    private static CnnOptions BarsOptions() => new()
    {
        FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [8, 16], DenseUnits = 32,
        Epochs = 8, LearningRate = 3e-3, Seed = 1,
    };

    [TestMethod]
    public void Fit_BarsThatNoLinearModelSeparates_ReachesHighAccuracy()
    {
        var ml = new MLContext(seed: 1);
        var train = Bars.Keyed(ml, 600, seed: 1);
        var test = Bars.Keyed(ml, 300, seed: 2);
        using var cnn = ml.MulticlassClassification.Trainers.Cnn(BarsOptions()).Fit(train);
        double cnnAccuracy = ml.MulticlassClassification.Evaluate(cnn.Transform(test)).MicroAccuracy;
        var linearOptions = new MlpOptions { FeatureColumnName = "Pixels", HiddenLayerSizes = [], Epochs = 8, LearningRate = 3e-3, Seed = 1 };
        var linear = ml.Transforms.NormalizeMinMax("Pixels").Append(ml.MulticlassClassification.Trainers.Mlp(linearOptions)).Fit(train);
        double linearAccuracy = ml.MulticlassClassification.Evaluate(linear.Transform(test)).MicroAccuracy;
        Assert.IsGreaterThanOrEqualTo(0.95, cnnAccuracy, $"CNN accuracy {cnnAccuracy}");
        Assert.IsLessThan(0.75, linearAccuracy, $"the task should defeat a linear model, which got {linearAccuracy}");
    }

    [TestMethod]
    public void Fit_BinaryResidualWithAugmentation_LearnsAndIsDeterministic()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Bars.Make(400, seed: 3).Select(r => new BinaryImageRow { Pixels = r.Pixels, Label = r.Label == 1 }));
        CnnOptions Options() => new()
        {
            FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [8, 8], ConvsPerBlock = 2, Residual = true,
            BatchNorm = true, GlobalAveragePooling = true, DenseUnits = 0, RandomHorizontalFlip = true, RandomCropPadding = 2,
            RandomErasingProbability = 0.3, Epochs = 8, LearningRate = 3e-3, Seed = 4,
        };
        using var first = ml.BinaryClassification.Trainers.Cnn(Options()).Fit(data);
        using var second = ml.BinaryClassification.Trainers.Cnn(Options()).Fit(data);
        Assert.IsTrue(MlpTrainerTests.WeightsEqual(first, second), "same seed, different weights with augmentation");
        var metrics = ml.BinaryClassification.Evaluate(first.Transform(ml.Data.LoadFromEnumerable(Bars.Make(200, seed: 5).Select(r => new BinaryImageRow { Pixels = r.Pixels, Label = r.Label == 1 }))));
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.Accuracy, $"accuracy {metrics.Accuracy}");
    }

    [TestMethod]
    public void Transform_AfterTrainingWithAugmentation_IsDeterministic()
    {
        var ml = new MLContext(seed: 1);
        var options = BarsOptions();
        options.Epochs = 1;
        options.RandomHorizontalFlip = true;
        options.RandomErasingProbability = 1;
        var data = Bars.Keyed(ml, 100, seed: 1);
        using var model = ml.MulticlassClassification.Trainers.Cnn(options).Fit(data);
        var once = model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        var twice = model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        CollectionAssert.AreEqual(once, twice, "augmentation must be off at inference");
    }

    [TestMethod]
    public void Fit_VectorSizeNotHeightTimesWidthTimesChannels_NamesTheColumnAndShape()
    {
        var ml = new MLContext(seed: 1);
        var options = BarsOptions();
        options.ImageWidth = 10;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Cnn(options).Fit(Bars.Keyed(ml, 40, 1)));
        StringAssert.Contains(error.Message, "features column 'Pixels'");
        StringAssert.Contains(error.Message, "12×10×1 = 120");
        StringAssert.Contains(error.Message, "size 144");
    }

    [TestMethod]
    public void Fit_ImageShapeMissingForVector_SaysWhichOptionsToSet()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Cnn(featureColumnName: "Pixels").Fit(Bars.Keyed(ml, 40, 1)));
        StringAssert.Contains(error.Message, "set `ImageHeight`, `ImageWidth` and `Channels` so that their product is 144");
    }

    [TestMethod]
    public void Fit_TooManyPoolingBlocks_NamesTheBlockWhereTheImageIsSmallerThanThePool()
    {
        var ml = new MLContext(seed: 1);
        var options = BarsOptions();
        options.ConvFilters = [4, 4, 4, 4, 4];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Cnn(options).Fit(Bars.Keyed(ml, 40, 1)));
        Assert.AreEqual("ConvFilters", error.ParamName);
        // 12 → 6 → 3 → 1 after three pooled blocks; the fourth cannot pool 1×1 by 2.
        StringAssert.Contains(error.Message, "The 12×12 image shrinks to 1×1 by block 3 (`ConvFilters[3]`) of 5, smaller than the 2×2 pooling window (`PoolSize` 2).");
        StringAssert.Contains(error.Message, "fewer `ConvFilters` blocks (at most 3 here)");
    }

    [TestMethod]
    public void Constructor_KernelLargerThanTheImage_NamesKernelSizeTheImageAndTheFix()
    {
        var ml = new MLContext(seed: 1);
        var options = BarsOptions();
        options.KernelSize = 15;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Cnn(options));
        Assert.AreEqual("KernelSize", error.ParamName);
        StringAssert.Contains(error.Message, "`KernelSize` 15 is larger than the 12×12 image (14×14 with `Padding` 1 on each side).");
        StringAssert.Contains(error.Message, "Use a `KernelSize` of at most 14 or more `Padding`.");
        Assert.IsFalse(error.Message.Contains("ConvFilters", StringComparison.Ordinal), error.Message);
    }

    [TestMethod]
    public void Constructor_KernelLargerThanALaterFeatureMap_NamesTheBlockAndItsSize()
    {
        var ml = new MLContext(seed: 1);
        var options = BarsOptions();
        options.KernelSize = 5;
        options.Padding = 0;
        options.ConvFilters = [4, 4, 4];
        // 12 → conv 8 → pool 4: block 1's convolution gets 4×4, smaller than 5.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Cnn(options));
        Assert.AreEqual("KernelSize", error.ParamName);
        StringAssert.Contains(error.Message, "`KernelSize` 5 is larger than the 4×4 feature map that convolution 0 of block 1 (`ConvFilters[1]`) gets from the 12×12 image.");
        StringAssert.Contains(error.Message, "at most 4 or more `Padding`, or keep the feature map larger: fewer `ConvFilters` blocks (at most 1 here)");
    }

    [TestMethod]
    public void Constructor_ResidualWithPaddingThatShrinks_NamesPaddingAndTheSizes()
    {
        var ml = new MLContext(seed: 1);
        var options = BarsOptions();
        options.Residual = true;
        options.KernelSize = 5;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Cnn(options));
        Assert.AreEqual("Padding", error.ParamName);
        StringAssert.Contains(error.Message, "block 0 (`ConvFilters[0]`) turns its 12×12 input into 10×10 with `KernelSize` 5 and `Padding` 1, while its shortcut gives 12×12.");
        StringAssert.Contains(error.Message, "`Padding` = (KernelSize − 1) / 2");
    }

    public sealed class BinaryImageRow
    {
        [Microsoft.ML.Data.VectorType(Bars.Size * Bars.Size)]
        public float[] Pixels { get; set; } = new float[Bars.Size * Bars.Size];

        public bool Label { get; set; }
    }
}
