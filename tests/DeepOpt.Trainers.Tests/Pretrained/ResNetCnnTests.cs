// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

/// <summary>ResNet-18 through the CNN trainer: ImageNet weights loaded offline, frozen or fine-tuned, saved and loaded.</summary>
[TestClass]
public sealed class ResNetCnnTests
{
    private readonly MLContext _ml = new(seed: 1);

    private static CnnOptions Options() => new()
    {
        FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, Architecture = CnnArchitecture.ResNet18,
        ResizeImagesTo = 32, Epochs = 1, BatchSize = 16, Seed = 1, ThreadCount = 2,
    };

    [TestMethod]
    public void Fit_FreezeAllButHead_KeepsTheImageNetBackboneBitwise_ExportsToOnnx_AndSavesAndLoads()
    {
        var data = Bars.Keyed(_ml, 48, seed: 1);
        var options = Options();
        options.FreezeAllButHead = true;
        options.RandomHorizontalFlip = true;
        using var model = _ml.MulticlassClassification.Trainers.Cnn(options).Fit(data);
        using var imageNet = ResNet18Network.Pretrained(2, seed: 1);

        var trained = model.Network.state_dict();
        foreach (var (name, weights) in imageNet.state_dict().Where(p => !p.Key.StartsWith("head.", StringComparison.Ordinal)))
        {
            var tuned = trained["resnet." + name];
            Assert.IsTrue(tuned.shape.SequenceEqual(weights.shape) && tuned.eq(weights).all().item<bool>(), $"{name} is ImageNet's, bit for bit");
        }

        OnnxRuntimeCheck.MatchesDeepOpt(_ml, model, data, minimumRows: 48); // resized inside the graph, grey read as three planes

        string path = Path.Combine(Path.GetTempPath(), $"deepopt-resnet-{Guid.NewGuid():N}.zip");
        try
        {
            _ml.Model.SaveDeepOpt(model, data.Schema, path);
            var loaded = _ml.Model.LoadDeepOpt(path, out _);
            CollectionAssert.AreEqual(Scores(model, data), Scores(loaded, data));
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Fit_FineTuned_MovesTheBackboneAtTheFactorOfTheRate_AndKeepsBatchNormStatisticsWhenTold()
    {
        var data = Bars.Keyed(_ml, 48, seed: 2);
        var options = Options();
        options.FreezeBlocks = 1;
        options.UpdateBatchNormStatistics = false;
        options.PretrainedLearningRateFactor = 0.1;
        using var model = _ml.MulticlassClassification.Trainers.Cnn(options).Fit(data);
        using var imageNet = ResNet18Network.Pretrained(2, seed: 1);
        var trained = model.Network.state_dict();
        var start = imageNet.state_dict();

        Assert.IsTrue(trained["resnet.stem.conv.weight"].eq(start["stem.conv.weight"]).all().item<bool>(), "the stem is frozen");
        Assert.IsFalse(trained["resnet.layer4.block0.conv1.weight"].eq(start["layer4.block0.conv1.weight"]).all().item<bool>(), "layer4 trains");
        var runningMean = start.Keys.First(k => k.StartsWith("layer3.", StringComparison.Ordinal) && k.EndsWith("running_mean", StringComparison.Ordinal));
        Assert.IsTrue(trained["resnet." + runningMean].eq(start[runningMean]).all().item<bool>(), "batch-norm statistics stay ImageNet's");
    }

    [TestMethod]
    public void Constructor_FreezingAFreshResNet_NamesTheOption()
    {
        var options = Options();
        options.ImageNetWeights = false;
        options.FreezeBlocks = 2;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Cnn(options));
        Assert.AreEqual("FreezeBlocks", error.ParamName);
    }

    private static float[] Scores(ITransformer model, IDataView data) => model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
}
