// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class ResNet18NetworkTests
{
    private static ResNet18Network s_pretrained = null!;

    [ClassInitialize]
    public static void LoadNetwork(TestContext context)
    {
        s_pretrained = ResNet18Network.Pretrained(classes: 5, seed: 1);
        s_pretrained.eval();
    }

    [ClassCleanup]
    public static void DisposeNetwork() => s_pretrained.Dispose();

    [TestMethod]
    public void Constructor_TenClasses_HasTheFilesLayoutInOrderedBlocks()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new ResNet18Network(classes: 10, seed: 1);
        CollectionAssert.AreEqual(new[] { "stem", "layer1", "layer2", "layer3", "layer4", "head" }, network.Blocks.Select(b => b.Name).ToArray());
        var shapes = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        CollectionAssert.AreEqual(new long[] { 64, 3, 7, 7 }, shapes["stem.conv.weight"]);
        CollectionAssert.AreEqual(new long[] { 128, 64, 1, 1 }, shapes["layer2.block0.downsample.conv.weight"]);
        CollectionAssert.AreEqual(new long[] { 512, 512, 3, 3 }, shapes["layer4.block2.conv2.weight"]); // CNTK's third block in layer4
        CollectionAssert.AreEqual(new long[] { 10, 512 }, shapes["head.weight"]);
        Assert.AreEqual(22, network.modules().OfType<TorchSharp.Modules.Conv2d>().Count(), "the graph's 22 Conv nodes");
        Assert.AreEqual(22, network.modules().OfType<TorchSharp.Modules.BatchNorm2d>().Count(), "and its 22 BatchNormalization nodes");
        Assert.AreEqual(9, network.Blocks.Skip(1).Take(4).Sum(b => b.Block.children().Count()), "basic blocks: 2, 2, 2 and 3");

        // torchvision's ResNet-18 backbone (11,176,512) plus the extra 512-channel block (2 × 3×3×512×512 + 2 × 2×512).
        long backbone = network.named_parameters().Where(p => !p.name.StartsWith("head.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        Assert.AreEqual(11_176_512L + 4_720_640L, backbone);
        Assert.AreEqual(10, network.Classes);

        // The head starts as PyTorch's linear layers do: uniform within 1/√512, so a standard deviation of that over √3.
        var head = network.state_dict()["head.weight"];
        double bound = 1 / Math.Sqrt(512);
        Assert.IsLessThanOrEqualTo(bound, head.abs().max().item<float>());
        Assert.AreEqual(bound / Math.Sqrt(3), head.std().item<float>(), bound * 0.05);
    }

    [TestMethod]
    [DataRow(28, 2)]
    [DataRow(32, 2)]
    [DataRow(32, 1)]
    public void Features_SmallGreyRealImages_GiveFiniteFeaturesAndLogitsPerImage(int size, int images)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var pixels = TestImages.Pixels(TestImages.Clothes[..images], size, grey: true);
        var features = s_pretrained.Features(pixels);
        CollectionAssert.AreEqual(new long[] { images, ResNet18Network.FeatureSize }, features.shape);
        Assert.IsTrue(features.isfinite().all().item<bool>(), "features must be finite");
        Assert.IsGreaterThan(0.1f, features.max().item<float>(), "pretrained features of a real image are not all zero");
        CollectionAssert.AreEqual(new long[] { images, 5 }, s_pretrained.forward(pixels).shape);
    }

    [TestMethod]
    public void Features_OneGreyPlane_EqualsTheSamePlaneThreeTimes()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grey = TestImages.Pixels(TestImages.Clothes, 64, grey: true);
        var rgb = TestImages.Pixels(TestImages.Clothes, 64);
        Assert.AreEqual(0, TestImages.MaxAbsDifference(grey.expand(-1, 3, -1, -1), rgb), "the grey PNGs have equal R, G and B");
        Assert.AreEqual(0, TestImages.MaxAbsDifference(s_pretrained.Features(rgb), s_pretrained.Features(grey)));
    }

    [TestMethod]
    public void Preprocess_ConstantRgbImage_SubtractsTheMeanImageInBgrOrder()
    {
        // CNTK's ImageNet mean image averages B 103.06, G 115.90, R 123.15; resized to 32×32 it keeps those averages.
        using var scope = torch.NewDisposeScope();
        var pixels = torch.tensor(new float[] { 200, 100, 50 }).reshape(1, 3, 1, 1).expand(2, 3, 32, 32);
        var preprocessed = s_pretrained.Preprocess(pixels);
        var averages = preprocessed.mean([0, 2, 3]).data<float>().ToArray();
        Assert.AreEqual(50 - 103.06, averages[0], 0.3, "blue plane first");
        Assert.AreEqual(100 - 115.90, averages[1], 0.3, "green");
        Assert.AreEqual(200 - 123.15, averages[2], 0.3, "red last");
    }

    [TestMethod]
    public void Preprocess_TwoChannels_ThrowsNamingTheShape()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => s_pretrained.Preprocess(torch.zeros(4, 2, 32, 32)));
        StringAssert.Contains(error.Message, "[4, 2, 32, 32]");
        StringAssert.Contains(error.Message, "3 RGB planes or 1 grey plane");
    }

    [TestMethod]
    public void Forward_TrainingMode_UpdatesBatchNormStatisticsAndGivesGradients()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new ResNet18Network(classes: 3, seed: 1);
        network.train();
        var before = network.state_dict()["layer4.block2.bn2.running_mean"].clone();
        var logits = network.forward(TestImages.Pixels(TestImages.Clothes, 32, grey: true));
        logits.sum().backward();
        Assert.IsGreaterThan(0, TestImages.MaxAbsDifference(before, network.state_dict()["layer4.block2.bn2.running_mean"]), "batch norm is a layer of its own, not folded");
        var gradient = network.named_parameters().Single(p => p.name == "stem.conv.weight").parameter.grad;
        Assert.IsNotNull(gradient);
        Assert.IsGreaterThan(0f, gradient.abs().sum().item<float>());
    }

    [TestMethod]
    public void Constructor_AndReplaceHead_LeaveTheProcessWideGeneratorAlone()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var expected = torch.rand(4);
        torch.manual_seed(7);
        using var network = new ResNet18Network(classes: 2, seed: 3);
        network.ReplaceHead(4, seed: 5);
        Assert.AreEqual(0, TestImages.MaxAbsDifference(expected, torch.rand(4)));
    }

    [TestMethod]
    public void ReplaceHead_OtherClassCount_GivesAFreshSeededHeadAndDisposesTheOld()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new ResNet18Network(classes: 10, seed: 1);
        using var twin = new ResNet18Network(classes: 3, seed: 2);
        var oldHead = network.Blocks[^1].Block.parameters().ToList();
        network.ReplaceHead(3, seed: 2);

        Assert.IsTrue(oldHead.All(p => p.IsInvalid), "the old head's parameters are released");
        Assert.AreEqual(3, network.Classes);
        Assert.AreEqual("head", network.Blocks[^1].Name);
        var weights = network.state_dict();
        CollectionAssert.AreEqual(new long[] { 3, 512 }, weights["head.weight"].shape);
        Assert.AreEqual(0, TestImages.MaxAbsDifference(weights["head.weight"], twin.state_dict()["head.weight"]), "the same seed gives the same head");
        using var otherSeed = new ResNet18Network(classes: 3, seed: 9);
        Assert.IsGreaterThan(0, TestImages.MaxAbsDifference(weights["head.weight"], otherSeed.state_dict()["head.weight"]));
        Assert.AreEqual(1, network.named_modules().Count(m => m.name == "head"));
        using var noGrad = torch.no_grad();
        network.eval();
        CollectionAssert.AreEqual(new long[] { 2, 3 }, network.forward(torch.rand(2, 3, 32, 32) * 255).shape);
    }

    [TestMethod]
    public void Constructor_InsideADisposeScope_KeepsEveryTensorAfterTheScope()
    {
        ResNet18Network network;
        List<Tensor> tensors;
        using (var scope = torch.NewDisposeScope())
        {
            network = new ResNet18Network(classes: 2, seed: 1);
            network.ReplaceHead(3, seed: 1);
            tensors = network.parameters().Concat(network.buffers()).ToList();
        }

        using (network)
        {
            Assert.IsTrue(tensors.All(t => !t.IsInvalid), $"{tensors.Count(t => t.IsInvalid)} of {tensors.Count} tensors died with the scope");
            Assert.HasCount(tensors.Count, network.parameters().Concat(network.buffers()).ToList());
        }
    }

    [TestMethod]
    public void Dispose_Network_ReleasesEveryParameterAndBuffer()
    {
        var network = new ResNet18Network(classes: 4, seed: 1);
        var tensors = network.parameters().Concat(network.buffers()).ToList();
        Assert.IsGreaterThan(100, tensors.Count);
        Assert.IsTrue(network.buffers().Any(b => b.shape.SequenceEqual(new long[] { 1, 3, 224, 224 })), "the mean image is a buffer");
        network.Dispose();
        Assert.IsTrue(tensors.All(t => t.IsInvalid), $"{tensors.Count(t => !t.IsInvalid)} of {tensors.Count} tensors still hold native memory");
    }
}
