// Licensed under the MIT license. See LICENSE in the repository root.

using Google.Protobuf.Collections;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Copies the ImageNet weights of ML.NET's ResNet18.onnx and the mean image of ResNetPreprocess.onnx into a
/// <see cref="ResNet18Network"/>, following each graph from its input node by node, so that each initializer goes to the
/// layer its node stands for, whatever it is called. Anything that does not fit fails with an
/// <see cref="InvalidDataException"/> naming the node or initializer, what was found and what was expected.
/// </summary>
/// <remarks>
/// ResNet18.onnx (CNTK 2.6, opset 8, 74 nodes, 110 initializers) keeps batch norm as 22 BatchNormalization nodes
/// (scale, bias, mean, variance; epsilon 1e-5) after 22 Conv nodes without bias; layer4 has three basic blocks; it ends
/// in a 7×7 AveragePool giving 1×512×1×1 features, with no classifier. ResNetPreprocess.onnx splits the 1×3×224×224 RGB
/// input, concatenates it as BGR and subtracts a 1×3×224×224 mean image.
/// </remarks>
internal static class ResNet18Weights
{
    private static readonly string[] s_normTargets = ["weight", "bias", "running_mean", "running_var"];

    /// <summary>Copies every convolution and batch-norm initializer of <paramref name="graph"/> into <paramref name="network"/>.</summary>
    /// <exception cref="InvalidDataException">The graph is not ResNet-18 or an initializer does not fit its layer.</exception>
    public static void LoadBackbone(ResNet18Network network, OnnxGraphReader graph)
    {
        var state = network.state_dict();
        var modules = network.named_modules().ToDictionary(m => m.name, m => m.module);
        var used = new HashSet<string>();
        var loaded = new HashSet<string>();
        using var noGrad = torch.no_grad();
        foreach (var layer in ResNet18Graph.Trace(graph))
        {
            if (!modules.TryGetValue(layer.Conv, out var module) || module is not Conv2d conv || !modules.ContainsKey(layer.Norm))
            {
                throw Error(graph, $"the graph has a convolution with batch norm at {layer.Conv} (Conv node '{layer.ConvNode.Name}') that ResNet18Network does not have.");
            }

            CheckConvolution(graph, layer.ConvNode, layer.Conv, conv);
            Copy(graph, layer.ConvNode, 1, $"{layer.Conv}.weight", state, used);
            if (layer.ConvNode.Input.Count > 2 && layer.ConvNode.Input[2].Length > 0)
            {
                throw Error(graph, $"Conv node '{layer.ConvNode.Name}' has a bias ('{layer.ConvNode.Input[2]}'), but {layer.Conv} has none: batch norm follows it.");
            }

            var norm = (BatchNorm2d)modules[layer.Norm];
            float epsilon = Attribute(layer.NormNode, "epsilon")?.F ?? 1e-5f;
            if (Math.Abs(epsilon - norm.eps) > 1e-9)
            {
                throw Error(graph, $"BatchNormalization node '{layer.NormNode.Name}' has epsilon {epsilon}, but {layer.Norm} has {norm.eps}.");
            }

            for (int i = 0; i < s_normTargets.Length; i++)
            {
                Copy(graph, layer.NormNode, i + 1, $"{layer.Norm}.{s_normTargets[i]}", state, used);
            }

            loaded.Add(layer.Conv);
            loaded.Add(layer.Norm);
        }

        var missed = modules.Where(m => m.Value is Conv2d or BatchNorm2d && !loaded.Contains(m.Key)).Select(m => m.Key).ToList();
        if (missed.Count > 0)
        {
            throw Error(graph, $"no node of the graph gives the weights of {string.Join(", ", missed)}.");
        }

        var unused = graph.InitializerNames.Where(name => !used.Contains(name)).ToList();
        if (unused.Count > 0)
        {
            throw Error(graph, $"initializers {string.Join(", ", unused.Select(n => $"'{n}'"))} belong to no layer of ResNet18Network.");
        }
    }

    /// <summary>
    /// Checks that <paramref name="graph"/> is ResNetPreprocess.onnx's computation (split the RGB planes, concatenate them
    /// as BGR, subtract a mean image) and copies its mean image into <paramref name="network"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The graph computes something else or the mean image does not fit.</exception>
    public static void LoadPreprocess(ResNet18Network network, OnnxGraphReader graph)
    {
        string input = graph.Input();
        var split = ResNet18Graph.Next(graph, input, "Split", "the preprocessing");
        long axis = Attribute(split, "axis")?.I ?? 0;
        if (axis != 1 || split.Output.Count != 3)
        {
            throw Error(graph, $"Split node '{split.Name}' should split axis 1 into 3 planes, but splits axis {axis} into {split.Output.Count}.");
        }

        var concat = ResNet18Graph.Next(graph, split.Output[0], "Concat", "the preprocessing");
        string[] order = concat.Input.Select(v => split.Output.IndexOf(v) is var k and >= 0 ? "RGB"[k].ToString() : v).ToArray();
        if ((Attribute(concat, "axis")?.I ?? 0) != 1 || string.Concat(order) != "BGR")
        {
            throw Error(graph, $"Concat node '{concat.Name}' should put the planes in BGR order on axis 1, but gives {string.Join(", ", order)}.");
        }

        var subtract = ResNet18Graph.Next(graph, concat.Output[0], "Sub", "the preprocessing");
        if (subtract.Input[0] != concat.Output[0] || !graph.IsOutput(subtract.Output[0]))
        {
            throw Error(graph, $"Sub node '{subtract.Name}' should subtract the mean image from the BGR planes and give the graph's output.");
        }

        using var noGrad = torch.no_grad();
        Copy(graph, subtract, 1, "mean", network.state_dict(), []);
    }

    /// <summary>The kernel, strides and leading pads of a Conv node against the layer's; see ResNet18Network's remarks on pads.</summary>
    private static void CheckConvolution(OnnxGraphReader graph, NodeProto node, string name, Conv2d conv)
    {
        long[] strides = Ints(node, "strides") ?? [1, 1];
        long[] pads = Ints(node, "pads") ?? [0, 0, 0, 0];
        long[] padding = conv.padding ?? [0, 0];
        string autoPad = Attribute(node, "auto_pad")?.S.ToStringUtf8() ?? "NOTSET";
        bool fits = (autoPad is "NOTSET" or "") && strides.SequenceEqual(conv.stride) && pads.Length == 4
            && pads[0] == padding[0] && pads[1] == padding[1] && pads[2] <= padding[0] && pads[3] <= padding[1]
            && (Attribute(node, "group")?.I ?? 1) == 1 && (Ints(node, "dilations") ?? [1, 1]).All(d => d == 1);
        if (!fits)
        {
            throw Error(graph, $"Conv node '{node.Name}' (strides {OnnxGraphReader.ShapeText(strides)}, pads {OnnxGraphReader.ShapeText(pads)}, auto_pad {autoPad}) "
                + $"does not compute {name} (stride {OnnxGraphReader.ShapeText(conv.stride)}, padding {OnnxGraphReader.ShapeText(padding)}, one group, no dilation).");
        }
    }

    /// <summary>Copies input <paramref name="input"/> of <paramref name="node"/>, an initializer, into the tensor <paramref name="target"/> of <paramref name="state"/>.</summary>
    private static void Copy(OnnxGraphReader graph, NodeProto node, int input, string target, IDictionary<string, Tensor> state, HashSet<string> used)
    {
        string name = input < node.Input.Count ? node.Input[input] : "";
        if (!graph.IsInitializer(name))
        {
            throw Error(graph, $"{node.OpType} node '{node.Name}' should read {target} from an initializer as input {input}, but reads '{name}'.");
        }

        var destination = state[target];
        var (shape, values) = graph.Floats(name);
        if (!shape.SequenceEqual(destination.shape))
        {
            throw Error(graph, $"initializer '{name}' (input {input} of {node.OpType} node '{node.Name}') has shape {OnnxGraphReader.ShapeText(shape)}, "
                + $"but {target} has shape {OnnxGraphReader.ShapeText(destination.shape)}.");
        }

        using var source = torch.tensor(values, shape);
        destination.copy_(source);
        used.Add(name);
    }

    /// <summary>A node's attribute by name, or null when the node leaves it to its default.</summary>
    internal static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    /// <summary>A node's integer-list attribute, or null when absent or empty.</summary>
    internal static long[]? Ints(NodeProto node, string name) => Attribute(node, name) is { Ints: RepeatedField<long> { Count: > 0 } ints } ? ints.ToArray() : null;

    /// <summary>The loaders' error, naming the file: "ResNet-18 weights from '…': what".</summary>
    internal static InvalidDataException Error(OnnxGraphReader graph, string what) => new($"ResNet-18 weights from '{graph.Source}': {what}");
}
