// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class MlpNetworkTests
{
    [TestMethod]
    [DataRow(new int[0], false, 0.0, 7, 3)]
    [DataRow(new[] { 16 }, false, 0.0, 7, 1)]
    [DataRow(new[] { 32, 16, 8 }, true, 0.5, 5, 10)]
    public void Forward_AnyLayout_GivesOneOutputPerRowAndClass(int[] hidden, bool batchNorm, double dropout, int inputs, int outputs)
    {
        using var scope = torch.NewDisposeScope();
        using var network = new MlpNetwork(inputs, outputs, new MlpOptions { HiddenLayerSizes = hidden, BatchNorm = batchNorm, Dropout = dropout });
        var output = network.forward(torch.randn(6, inputs));
        CollectionAssert.AreEqual(new long[] { 6, outputs }, output.shape);
        int linearLayers = network.named_parameters().Count(p => p.name.EndsWith("weight", StringComparison.Ordinal) && p.parameter.dim() == 2);
        Assert.AreEqual(hidden.Length + 1, linearLayers);
        Assert.AreEqual(batchNorm ? hidden.Length : 0, network.named_parameters().Count(p => p.name.Contains(".bn", StringComparison.Ordinal) && p.name.EndsWith("weight", StringComparison.Ordinal)));
    }

    [TestMethod]
    [DataRow(ActivationKind.Relu)]
    [DataRow(ActivationKind.LeakyRelu)]
    [DataRow(ActivationKind.Elu)]
    [DataRow(ActivationKind.Gelu)]
    [DataRow(ActivationKind.Silu)]
    [DataRow(ActivationKind.Tanh)]
    [DataRow(ActivationKind.Sigmoid)]
    public void Forward_EachActivation_Runs(ActivationKind activation)
    {
        using var scope = torch.NewDisposeScope();
        using var network = new MlpNetwork(4, 2, new MlpOptions { HiddenLayerSizes = [8], Activation = activation });
        Assert.IsTrue(network.forward(torch.randn(3, 4)).isfinite().all().item<bool>());
    }

    [TestMethod]
    [DataRow(WeightInitKind.XavierUniform)]
    [DataRow(WeightInitKind.XavierNormal)]
    [DataRow(WeightInitKind.KaimingUniform)]
    [DataRow(WeightInitKind.KaimingNormal)]
    [DataRow(WeightInitKind.Uniform)]
    [DataRow(WeightInitKind.Normal)]
    [DataRow(WeightInitKind.Orthogonal)]
    public void Initialize_EachScheme_SetsWeightsAndZeroesBiases(WeightInitKind kind)
    {
        using var scope = torch.NewDisposeScope();
        using var network = new MlpNetwork(64, 64, new MlpOptions { HiddenLayerSizes = [64] });
        using var generator = new torch.Generator(1, torch.CPU);
        Layers.Initialize(network, kind, generator);
        var weight = network.named_parameters().First(p => p.name.EndsWith("fc0.weight", StringComparison.Ordinal)).parameter;
        var bias = network.named_parameters().First(p => p.name.EndsWith("fc0.bias", StringComparison.Ordinal)).parameter;
        Assert.AreEqual(0, bias.abs().sum().item<float>());
        double std = weight.std().item<float>();
        double expected = kind switch
        {
            WeightInitKind.XavierUniform or WeightInitKind.XavierNormal => Math.Sqrt(2.0 / 128),
            WeightInitKind.KaimingUniform or WeightInitKind.KaimingNormal => Math.Sqrt(2.0 / 64),
            WeightInitKind.Uniform => 0.1 / Math.Sqrt(12),
            WeightInitKind.Normal => 0.05,
            _ => 1 / Math.Sqrt(64),
        };
        Assert.AreEqual(expected, std, expected * 0.1, $"{kind}: std {std}");
        if (kind == WeightInitKind.Orthogonal)
        {
            var product = weight.matmul(weight.t());
            Assert.IsTrue(product.allclose(torch.eye(64), atol: 1e-4));
        }
    }
}
