// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class LayersTests
{
    public static IEnumerable<object[]> Networks() =>
    [
        ["MLP with batch norm", (Func<nn.Module<Tensor, Tensor>>)(() => new MlpNetwork(6, 3, new MlpOptions { HiddenLayerSizes = [8, 4], BatchNorm = true, Dropout = 0.2 }))],
        ["residual CNN", (Func<nn.Module<Tensor, Tensor>>)(() => new CnnNetwork(2, new CnnOptions { ImageHeight = 8, ImageWidth = 8, ConvFilters = [4, 8], Residual = true, BatchNorm = true, DenseUnits = 6 }))],
        ["bidirectional LSTM", (Func<nn.Module<Tensor, Tensor>>)(() => new LstmNetwork(3, new LstmOptions { IdCount = 12, EmbeddingSize = 4, HiddenSize = 5, RecurrentLayers = 2, Bidirectional = true, DenseUnits = 6 }))],
        ["GRU", (Func<nn.Module<Tensor, Tensor>>)(() => new LstmNetwork(2, new LstmOptions { IdCount = 12, EmbeddingSize = 4, HiddenSize = 5, Cell = RecurrentCellKind.Gru }))],
        ["text convolutions with attention", (Func<nn.Module<Tensor, Tensor>>)(() => new LstmNetwork(2, new LstmOptions { IdCount = 12, EmbeddingSize = 4, RecurrentLayers = 0, ConvolutionFilters = 3, Pooling = SequencePoolingKind.Attention }))],
    ];

    [TestMethod]
    [DynamicData(nameof(Networks))]
    public void Initialize_SameGenerator_GivesEqualParametersWhateverTheProcessWideSeed(string name, Func<nn.Module<Tensor, Tensor>> build)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var kind in new[] { WeightInitKind.Default, WeightInitKind.XavierUniform, WeightInitKind.Orthogonal })
        {
            // The two networks are built after different process-wide seeds, and the process-wide generator is drawn
            // from between them: every parameter must still come from the fit's generator alone.
            torch.manual_seed(1);
            using var first = build();
            using var firstRandom = new torch.Generator(7, torch.CPU);
            Layers.Initialize(first, kind, firstRandom);
            torch.manual_seed(2);
            using var second = build();
            torch.rand(1000);
            using var secondRandom = new torch.Generator(7, torch.CPU);
            Layers.Initialize(second, kind, secondRandom);
            using var otherRandom = new torch.Generator(8, torch.CPU);
            using var other = build();
            Layers.Initialize(other, kind, otherRandom);
            var left = first.state_dict();
            var right = second.state_dict();
            var different = other.state_dict();
            foreach (var (key, value) in left)
            {
                Assert.IsTrue(value.Equals(right[key]), $"{name}, {kind}: {key} differs for the same generator seed");
            }

            Assert.IsTrue(left.Any(p => !p.Value.Equals(different[p.Key])), $"{name}, {kind}: another seed gave the same parameters");
        }
    }

    [TestMethod]
    public void Initialize_DefaultRecurrent_IsPyTorchsUniformOverSqrtHiddenAndZeroPadding()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new LstmNetwork(2, new LstmOptions { IdCount = 50, EmbeddingSize = 40, HiddenSize = 64 });
        using var generator = new torch.Generator(3, torch.CPU);
        Layers.Initialize(network, WeightInitKind.Default, generator);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var recurrent = parameters["recurrent.fwd0.weight_hh_l0"];
        double bound = 1 / Math.Sqrt(64);
        Assert.IsLessThanOrEqualTo(bound * (1 + 1e-6), recurrent.abs().max().item<float>());
        Assert.AreEqual(bound / Math.Sqrt(3), recurrent.std().item<float>(), bound * 0.03);
        var embedding = parameters["embedding.weight"];
        Assert.AreEqual(0, embedding[Vocabulary.PaddingId].abs().sum().item<float>(), "the padding id's embedding");
        Assert.AreEqual(1, embedding[Vocabulary.FirstWordId..].std().item<float>(), 0.05, "embeddings are standard normal");
    }
}
