// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class CnnNetworkTests
{
    [TestMethod]
    public void Constructor_DefaultOptions_IsTheSeedArchitecture()
    {
        using var network = new CnnNetwork(10, new CnnOptions { ImageHeight = 28, ImageWidth = 28 });
        var shapes = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        CollectionAssert.AreEqual(new long[] { 32, 1, 3, 3 }, shapes["blocks.block0.main.conv0.weight"]);
        CollectionAssert.AreEqual(new long[] { 64, 32, 3, 3 }, shapes["blocks.block1.main.conv0.weight"]);
        CollectionAssert.AreEqual(new long[] { 128, 3136 }, shapes["head.dense.weight"]);
        CollectionAssert.AreEqual(new long[] { 10, 128 }, shapes["head.out.weight"]);
        Assert.HasCount(8, shapes, string.Join(", ", shapes.Keys));
    }

    [TestMethod]
    public void Dispose_ResidualNetworkWithBatchNorm_ReleasesEveryParameterAndBuffer()
    {
        var network = new CnnNetwork(3, new CnnOptions { ImageHeight = 8, ImageWidth = 8, ConvFilters = [4, 8], BatchNorm = true, Residual = true });
        var tensors = network.parameters().Concat(network.buffers()).ToList();
        Assert.IsGreaterThan(10, tensors.Count);
        network.Dispose();
        Assert.IsTrue(tensors.All(t => t.IsInvalid), $"{tensors.Count(t => !t.IsInvalid)} of {tensors.Count} tensors still hold native memory");
    }

    [TestMethod]
    public void Initialize_Default_IsPyTorchsUniformOverSqrtFanIn()
    {
        // PyTorch's Conv2d and Linear reset_parameters: kaiming_uniform_(a=√5) for weights, which is U(−1/√fan_in, 1/√fan_in),
        // and the same bound for biases. The seed CNN's accuracy anchor (bench/cnn) assumes DeepOpt starts from the same.
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1, torch.CPU);
        using var network = new CnnNetwork(10, new CnnOptions { ImageHeight = 28, ImageWidth = 28 });
        Layers.Initialize(network, WeightInitKind.Default, generator);
        var fanIns = new Dictionary<string, int>
        {
            ["blocks.block0.main.conv0"] = 1 * 9, ["blocks.block1.main.conv0"] = 32 * 9, ["head.dense"] = 3136, ["head.out"] = 128,
        };
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (layer, fanIn) in fanIns)
        {
            double bound = 1 / Math.Sqrt(fanIn);
            foreach (var tensor in new[] { parameters[layer + ".weight"], parameters[layer + ".bias"] })
            {
                double max = tensor.abs().max().item<float>();
                double std = tensor.std().item<float>();
                Assert.IsLessThanOrEqualTo(bound * (1 + 1e-6), max, layer);
                if (tensor.numel() >= 1000)
                {
                    Assert.IsGreaterThan(bound * 0.99, max, layer);
                    Assert.AreEqual(bound / Math.Sqrt(3), std, bound * 0.03, layer);
                }
            }
        }
    }

    [TestMethod]
    [DataRow(1, 28, 28, ImageLayout.ChannelsFirst, false, false, 1, PoolingKind.Max, 128, 10)]
    [DataRow(3, 16, 20, ImageLayout.ChannelsLast, true, true, 2, PoolingKind.Average, 0, 2)]
    [DataRow(1, 9, 9, ImageLayout.ChannelsFirst, true, false, 3, PoolingKind.None, 16, 1)]
    public void Forward_AnyLayout_GivesOneOutputPerRowAndClass(int channels, int height, int width, ImageLayout layout, bool residual, bool gap, int convs, PoolingKind pooling, int dense, int outputs)
    {
        using var scope = torch.NewDisposeScope();
        var options = new CnnOptions
        {
            Channels = channels, ImageHeight = height, ImageWidth = width, Layout = layout, Residual = residual, GlobalAveragePooling = gap,
            ConvsPerBlock = convs, Pooling = pooling, DenseUnits = dense, BatchNorm = true, BlockDropout = 0.1, Dropout = 0.2, ConvFilters = [4, 6],
        };
        using var network = new CnnNetwork(outputs, options);
        var output = network.forward(torch.rand(5, channels * height * width));
        CollectionAssert.AreEqual(new long[] { 5, outputs }, output.shape);
        Assert.AreEqual(2 * convs, network.named_parameters().Count(p => p.name.Contains(".conv", StringComparison.Ordinal) && p.name.EndsWith("weight", StringComparison.Ordinal)));
        Assert.AreEqual(residual ? 2 : 0, network.named_parameters().Count(p => p.name.Contains("shortcut.weight", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Output_EveryKernelPaddingStridePoolingAndResidual_IsTheSizeTheBlocksProduce()
    {
        // The shape arithmetic against the layers themselves: where the blocks run, CnnShapes gives their output size;
        // where they fail, CnnShapes throws instead, naming an option.
        int checkedShapes = 0, rejected = 0;
        foreach (int size in new[] { 3, 7, 10 })
        foreach (int kernel in new[] { 1, 2, 3, 5, 8 })
        foreach (int padding in new[] { 0, 1, 2 })
        foreach (int stride in new[] { 1, 2 })
        foreach (var (pooling, pool) in new[] { (PoolingKind.None, 2), (PoolingKind.Max, 2), (PoolingKind.Average, 3) })
        foreach (int convs in new[] { 1, 2 })
        foreach (bool residual in new[] { false, true })
        {
            using var scope = torch.NewDisposeScope();
            var options = new CnnOptions
            {
                ImageHeight = size, ImageWidth = size + 1, KernelSize = kernel, Padding = padding, Stride = stride, Pooling = pooling,
                PoolSize = pool, ConvsPerBlock = convs, Residual = residual, ConvFilters = [2, 3],
            };
            string label = $"size {size}, kernel {kernel}, padding {padding}, stride {stride}, {pooling} {pool}, {convs} convs, residual {residual}";
            long[]? actual;
            try
            {
                var blocks = new[] { new ConvBlock(1, 2, options), new ConvBlock(2, 3, options) };
                using var noGrad = torch.no_grad();
                actual = blocks[1].forward(blocks[0].forward(torch.zeros(1, 1, size, size + 1))).shape;
            }
            catch (Exception ex) when (ex is System.Runtime.InteropServices.ExternalException or ArgumentException)
            {
                actual = null;
            }

            if (actual == null || actual[2] < 1 || actual[3] < 1)
            {
                var error = Assert.Throws<ArgumentOutOfRangeException>(() => CnnShapes.Output(options), label);
                CollectionAssert.Contains(new[] { "KernelSize", "PoolSize", "ConvFilters", "Padding" }, error.ParamName, label);
                rejected++;
            }
            else
            {
                Assert.AreEqual((actual[2], actual[3]), ((long)CnnShapes.Output(options).Height, (long)CnnShapes.Output(options).Width), label);
                checkedShapes++;
            }
        }

        Assert.IsGreaterThan(100, checkedShapes);
        Assert.IsGreaterThan(100, rejected);
    }

    [TestMethod]
    public void Forward_ChannelsLast_EqualsChannelsFirstOfTheSamePixels()
    {
        using var scope = torch.NewDisposeScope();
        var first = new CnnOptions { Channels = 3, ImageHeight = 6, ImageWidth = 5, ConvFilters = [4], Layout = ImageLayout.ChannelsFirst };
        var last = new CnnOptions { Channels = 3, ImageHeight = 6, ImageWidth = 5, ConvFilters = [4], Layout = ImageLayout.ChannelsLast };
        torch.manual_seed(3);
        using var a = new CnnNetwork(2, first);
        torch.manual_seed(3);
        using var b = new CnnNetwork(2, last);
        a.eval();
        b.eval();
        var chw = torch.rand(2, 3, 6, 5);
        var hwc = chw.permute(0, 2, 3, 1).reshape(2, -1);
        Assert.IsTrue(a.forward(chw.reshape(2, -1)).allclose(b.forward(hwc), atol: 1e-6));
    }
}
