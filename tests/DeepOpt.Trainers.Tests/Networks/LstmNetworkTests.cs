// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class LstmNetworkTests
{
    private static LstmOptions Options(RecurrentCellKind cell, bool bidirectional, SequencePoolingKind pooling, int layers = 1) => new()
    {
        IdCount = 20, EmbeddingSize = 6, HiddenSize = 5, Cell = cell, Bidirectional = bidirectional, Pooling = pooling,
        RecurrentLayers = layers, LayerDropout = 0.3, SpatialDropout = 0.2, DenseUnits = 7, Dropout = 0.1,
    };

    private static bool Same(Tensor left, Tensor right) => left.eq(right).all().item<bool>();

    private static Tensor Rows(params float[][] rows) =>
        torch.tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

    [TestMethod]
    [DataRow(RecurrentCellKind.Lstm, false, SequencePoolingKind.Last, 1, 3)]
    [DataRow(RecurrentCellKind.Lstm, true, SequencePoolingKind.Mean, 2, 1)]
    [DataRow(RecurrentCellKind.Gru, false, SequencePoolingKind.Max, 3, 4)]
    [DataRow(RecurrentCellKind.Gru, true, SequencePoolingKind.Last, 2, 2)]
    public void Forward_AnyCellAndPooling_GivesOneOutputPerRowAndClass(RecurrentCellKind cell, bool bidirectional, SequencePoolingKind pooling, int layers, int outputs)
    {
        using var scope = torch.NewDisposeScope();
        using var network = new LstmNetwork(outputs, Options(cell, bidirectional, pooling, layers));
        var output = network.forward(Rows([3, 4, 5, 0], [7, 0, 0, 0], [0, 0, 0, 0], [9, 8, 7, 6], [1, 2, 0, 0]));
        CollectionAssert.AreEqual(new long[] { 5, outputs }, output.shape);
        Assert.IsTrue(output.isfinite().all().item<bool>(), "an empty row must still give finite outputs");
        int directions = bidirectional ? 2 : 1;
        var shapes = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        CollectionAssert.AreEqual(new long[] { 20, 6 }, shapes["embedding.weight"]);
        CollectionAssert.AreEqual(new long[] { (cell == RecurrentCellKind.Lstm ? 4 : 3) * 5, 6 }, shapes["recurrent.fwd0.weight_ih_l0"]);
        Assert.AreEqual(layers * directions * 4, shapes.Keys.Count(k => k.StartsWith("recurrent.", StringComparison.Ordinal)), string.Join(", ", shapes.Keys));
        CollectionAssert.AreEqual(new long[] { 7, 5 * directions }, shapes["head.dense.weight"]);
        CollectionAssert.AreEqual(new long[] { outputs, 7 }, shapes["head.out.weight"]);
    }

    [TestMethod]
    [DataRow(RecurrentCellKind.Lstm, false, SequencePoolingKind.Last)]
    [DataRow(RecurrentCellKind.Lstm, true, SequencePoolingKind.Last)]
    [DataRow(RecurrentCellKind.Lstm, true, SequencePoolingKind.Mean)]
    [DataRow(RecurrentCellKind.Gru, true, SequencePoolingKind.Max)]
    [DataRow(RecurrentCellKind.Gru, false, SequencePoolingKind.Mean)]
    public void Forward_SameTokensPaddedDifferently_GivesIdenticalOutputs(RecurrentCellKind cell, bool bidirectional, SequencePoolingKind pooling)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var network = new LstmNetwork(3, Options(cell, bidirectional, pooling, layers: 2));
        network.eval();
        using var noGrad = torch.no_grad();
        var end = network.forward(Rows([3, 4, 5, 0, 0], [6, 2, 0, 0, 0]));
        var start = network.forward(Rows([0, 0, 3, 4, 5], [0, 0, 0, 6, 2]));
        var longer = network.forward(Rows([3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0], [6, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        var alone = network.forward(Rows([3, 4, 5]));
        Assert.IsTrue(Same(end, start), $"padding side changed the outputs: {end.str()} vs {start.str()}");
        Assert.IsTrue(Same(end, longer), "padded length changed the outputs");
        Assert.IsTrue(end[0].allclose(alone[0], atol: 1e-6), "the other rows of the batch changed a row's outputs");
    }

    [TestMethod]
    [DataRow(4, "2,3", 1, true, SequencePoolingKind.Attention)]
    [DataRow(3, "3", 0, false, SequencePoolingKind.MeanMax)]
    [DataRow(0, "3", 0, false, SequencePoolingKind.Last)]
    [DataRow(0, "3", 2, true, SequencePoolingKind.MeanMax)]
    [DataRow(5, "1,4", 0, false, SequencePoolingKind.Attention)]
    public void Forward_ConvolutionsAttentionAndNoRecurrence_AreIndependentOfPadding(int filters, string kernels, int layers, bool bidirectional, SequencePoolingKind pooling)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var options = Options(RecurrentCellKind.Gru, bidirectional, pooling, layers);
        (options.ConvolutionFilters, options.ConvolutionKernelSizes, options.TokenDropout) = (filters, kernels.Split(',').Select(int.Parse).ToArray(), 0.3);
        using var network = new LstmNetwork(3, options);
        network.eval();
        using var noGrad = torch.no_grad();
        var end = network.forward(Rows([3, 4, 5, 0, 0], [6, 2, 0, 0, 0], [0, 0, 0, 0, 0]));
        var start = network.forward(Rows([0, 0, 3, 4, 5], [0, 0, 0, 6, 2], [0, 0, 0, 0, 0]));
        var longer = network.forward(Rows([3, 4, 5, 0, 0, 0, 0, 0, 0], [6, 2, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0]));
        var alone = network.forward(Rows([6, 2]));
        Assert.IsTrue(end.allclose(start, atol: 1e-6), $"padding side changed the outputs: {end.str()} vs {start.str()}");
        Assert.IsTrue(end.allclose(longer, atol: 1e-6), "padded length changed the outputs");
        Assert.IsTrue(end[1].allclose(alone[0], atol: 1e-6), "the other rows of the batch changed a row's outputs");
        Assert.IsTrue(end.isfinite().all().item<bool>(), "an empty row must still give finite outputs");
        var shapes = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        long width = layers > 0 ? 5 * (bidirectional ? 2 : 1) : filters > 0 ? filters * options.ConvolutionKernelSizes.Length : 6;
        CollectionAssert.AreEqual(new long[] { 7, pooling == SequencePoolingKind.MeanMax ? 2 * width : width }, shapes["head.dense.weight"]);
        Assert.AreEqual(pooling == SequencePoolingKind.Attention, shapes.ContainsKey("pool.project.weight"));
    }

    [TestMethod]
    [DataRow(0.5, 0.0)]
    [DataRow(0.0, 0.5)]
    public void Forward_InTraining_SpatialAndTokenDropoutChangeOutputsAndEvaluationDoesNot(double spatial, double token)
    {
        using var scope = torch.NewDisposeScope();
        var options = Options(RecurrentCellKind.Lstm, false, SequencePoolingKind.Mean);
        options.Dropout = 0;
        (options.SpatialDropout, options.TokenDropout) = (spatial, token);
        using var network = new LstmNetwork(2, options);
        var input = Rows([3, 4, 5, 6], [7, 8, 0, 0]);
        network.eval();
        var first = network.forward(input);
        Assert.IsTrue(Same(first, network.forward(input)));
        network.train();
        Assert.IsFalse(Same(first, network.forward(input)), "dropout should act in training");
    }

    [TestMethod]
    public void Initialize_OrthogonalRecurrentInit_MakesEachGateBlockOrthogonal()
    {
        using var scope = torch.NewDisposeScope();
        var options = Options(RecurrentCellKind.Gru, false, SequencePoolingKind.Last);
        options.RecurrentWeightInit = WeightInitKind.Orthogonal;
        using var network = new LstmNetwork(2, options);
        using var generator = new torch.Generator(1, torch.CPU);
        Layers.Initialize(network, WeightInitKind.Default, generator);
        var weight = network.named_parameters().Single(p => p.name == "recurrent.fwd0.weight_hh_l0").parameter;
        foreach (var gate in weight.detach().chunk(3, 0))
        {
            Assert.IsTrue(gate.matmul(gate.t()).allclose(torch.eye(5), atol: 1e-5), "each 5×5 gate block should be orthogonal");
        }
    }
}
