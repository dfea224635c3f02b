// Licensed under the MIT license. See LICENSE in the repository root.

using Onnx;

namespace DeepOpt.Trainers;

/// <summary>
/// Follows a ResNet-18 ONNX graph from its input, node by node, and names each convolution and its batch norm after the
/// layer of <see cref="ResNet18Network"/> it stands for: stem (Conv, BatchNormalization, Relu, MaxPool), then basic
/// blocks (layer1.block0, …) up to the average pooling that gives the graph's output. The stages are told apart by the
/// graph itself: after layer1's first block, a block whose shortcut is a convolution starts the next stage.
/// </summary>
internal static class ResNet18Graph
{
    /// <summary>A convolution node and the batch-norm node after it, with the names of their layers in the network.</summary>
    internal sealed record Layer(string Conv, NodeProto ConvNode, string Norm, NodeProto NormNode);

    /// <summary>The graph's convolutions with their batch norms, in the network's order (a block's shortcut last).</summary>
    /// <exception cref="InvalidDataException">The graph is not shaped like ResNet-18, naming where it differs.</exception>
    public static IReadOnlyList<Layer> Trace(OnnxGraphReader graph)
    {
        var layers = new List<Layer>();
        var conv = Next(graph, graph.Input(), "Conv", "the stem");
        var norm = Next(graph, conv.Output[0], "BatchNormalization", "the stem");
        var pool = Next(graph, Next(graph, norm.Output[0], "Relu", "the stem").Output[0], "MaxPool", "the stem");
        bool poolFits = (ResNet18Weights.Ints(pool, "kernel_shape") ?? []).SequenceEqual([3L, 3L])
            && (ResNet18Weights.Ints(pool, "strides") ?? []).SequenceEqual([2L, 2L])
            && (ResNet18Weights.Ints(pool, "pads") ?? [0, 0, 0, 0]).Take(2).SequenceEqual([1L, 1L]);
        if (!poolFits)
        {
            throw ResNet18Weights.Error(graph, $"MaxPool node '{pool.Name}' should pool 3×3 windows with stride 2 and padding 1, as stem.pool does.");
        }

        layers.Add(new("stem.conv", conv, "stem.bn", norm));
        string value = pool.Output[0];
        int stage = 1, block = 0;
        while (!IsPooling(graph, value))
        {
            // After layer1's first block, a block with a convolution on its shortcut starts the next stage.
            bool projects = graph.Consumers(value).Count(n => n.OpType == "Conv") > 1;
            if (projects && (stage, block) != (1, 0))
            {
                (stage, block) = (stage + 1, 0);
            }

            if (stage > 4)
            {
                throw ResNet18Weights.Error(graph, $"the graph has a fifth stage of basic blocks at '{value}'; ResNet-18 has four.");
            }

            value = Block(graph, value, $"layer{stage}.block{block++}", layers);
        }

        return layers;
    }

    /// <summary>The single node that reads <paramref name="value"/>, which must be a <paramref name="op"/> node.</summary>
    /// <exception cref="InvalidDataException">No node, several nodes or another kind of node reads it.</exception>
    public static NodeProto Next(OnnxGraphReader graph, string value, string op, string where)
    {
        var consumers = graph.Consumers(value);
        return consumers.Count == 1 && consumers[0].OpType == op
            ? consumers[0]
            : throw ResNet18Weights.Error(graph, $"in {where}, '{value}' should feed one {op} node, but feeds {Describe(consumers)}.");
    }

    /// <summary>Follows one basic block from its input and returns its output.</summary>
    private static string Block(OnnxGraphReader graph, string input, string name, List<Layer> layers)
    {
        // The main path's convolution goes on to batch norm and ReLU; a shortcut's goes on to batch norm and the sum.
        NodeProto? first = null, shortcut = null, shortcutNorm = null;
        var consumers = graph.Consumers(input);
        foreach (var conv in consumers.Where(n => n.OpType == "Conv"))
        {
            var norm = Next(graph, conv.Output[0], "BatchNormalization", name);
            var after = graph.Consumers(norm.Output[0]);
            if (after.Count == 1 && after[0].OpType == "Relu" && first is null)
            {
                first = conv;
            }
            else if (after.Count == 1 && after[0].OpType == "Add" && shortcut is null)
            {
                (shortcut, shortcutNorm) = (conv, norm);
            }
            else
            {
                throw ResNet18Weights.Error(graph, $"in {name}, Conv node '{conv.Name}' is followed by batch norm and {Describe(after)}, which is neither the main path nor the shortcut.");
            }
        }

        if (first is null || consumers.Count != 2)
        {
            throw ResNet18Weights.Error(graph, $"in {name}, the block's input '{input}' should feed its first convolution and either a shortcut "
                + $"convolution or the residual sum, but feeds {Describe(consumers)}.");
        }

        var norm1 = Next(graph, first.Output[0], "BatchNormalization", name);
        var conv2 = Next(graph, Next(graph, norm1.Output[0], "Relu", name).Output[0], "Conv", name);
        var norm2 = Next(graph, conv2.Output[0], "BatchNormalization", name);
        var sum = Next(graph, norm2.Output[0], "Add", name);
        string skipped = shortcutNorm?.Output[0] ?? input;
        if (sum.Input.Count != 2 || !sum.Input.Contains(skipped))
        {
            throw ResNet18Weights.Error(graph, $"in {name}, Add node '{sum.Name}' adds {string.Join(" and ", sum.Input)}, but the residual sum should add '{skipped}'.");
        }

        layers.Add(new($"{name}.conv1", first, $"{name}.bn1", norm1));
        layers.Add(new($"{name}.conv2", conv2, $"{name}.bn2", norm2));
        if (shortcut is not null)
        {
            layers.Add(new($"{name}.downsample.conv", shortcut, $"{name}.downsample.bn", shortcutNorm!));
        }

        return Next(graph, sum.Output[0], "Relu", name).Output[0];
    }

    /// <summary>Whether <paramref name="value"/> goes only to the average pooling that gives the graph's output.</summary>
    private static bool IsPooling(OnnxGraphReader graph, string value)
    {
        var consumers = graph.Consumers(value);
        return consumers.Count == 1 && consumers[0].OpType is "AveragePool" or "GlobalAveragePool" && graph.IsOutput(consumers[0].Output[0]);
    }

    private static string Describe(IReadOnlyList<NodeProto> nodes) => nodes.Count == 0
        ? "no node"
        : string.Join(", ", nodes.Select(n => $"{n.OpType} node '{n.Name}'"));
}
