// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Writes the layers DeepOpt networks are made of as ONNX nodes, in inference mode: dropout is the identity and batch
/// norm reads its running statistics. Each layer's settings come from the module itself (slopes, kernel sizes, eps).
/// </summary>
internal static class OnnxLayers
{
    /// <summary>Writes <paramref name="module"/> applied to <paramref name="x"/> and returns the output's name.</summary>
    /// <exception cref="NotSupportedException">A layer the exporter does not know.</exception>
    public static string Apply(OnnxGraph g, nn.Module module, string x) => module switch
    {
        Sequential sequence => sequence.named_children().Aggregate(x, (value, child) => Apply(g, child.module, value)),
        ConvBlock block => Block(g, block, x),
        BasicBlock block => Residual(g, block, x),
        Linear linear => g.Node("Gemm", Inputs(g, x, linear.weight!, linear.bias), ("transB", 1L)),
        Conv2d conv => g.Node("Conv", Inputs(g, x, conv.weight!, conv.bias),
            ("kernel_shape", conv.kernel_size), ("strides", conv.stride), ("pads", Pads(conv.padding ?? [0, 0])), ("dilations", conv.dilation)),
        BatchNorm norm => g.Node("BatchNormalization",
            [x, g.Weight(norm.weight!, "bn_scale"), g.Weight(norm.bias!, "bn_bias"), g.Weight(norm.running_mean!, "bn_mean"), g.Weight(norm.running_var!, "bn_var")],
            ("epsilon", norm.eps)),
        MaxPool2d pool => g.Node("MaxPool", [x], ("kernel_shape", pool.kernel_size), ("strides", pool.stride ?? pool.kernel_size), ("pads", Pads(pool.padding ?? [0, 0]))),
        AvgPool2d pool => g.Node("AveragePool", [x], ("kernel_shape", pool.kernel_size), ("strides", pool.stride ?? pool.kernel_size), ("pads", Pads(pool.padding ?? [0, 0]))),
        AdaptiveAvgPool2d => g.Node("GlobalAveragePool", [x]),
        Flatten => g.Node("Flatten", [x], ("axis", 1L)),
        ReLU => g.Node("Relu", [x]),
        LeakyReLU leaky => g.Node("LeakyRelu", [x], ("alpha", leaky.negative_slope)),
        ELU elu => g.Node("Elu", [x], ("alpha", elu.alpha)),
        GELU gelu => g.Node("Gelu", [x], ("approximate", gelu.approximate == GELU.Approximate.tanh ? "tanh" : "none")),
        SiLU => g.Node("Mul", [x, g.Node("Sigmoid", [x])]),
        Tanh => g.Node("Tanh", [x]),
        Sigmoid => g.Node("Sigmoid", [x]),
        SeededDropout or Identity or Dropout => x,
        _ => throw new NotSupportedException($"The ONNX export does not know the layer {module.GetType().Name}."),
    };

    /// <summary>ResNet's basic block: conv, bn, ReLU, conv, bn, plus the shortcut (the input, or its 1×1 conv and bn), then ReLU.</summary>
    private static string Residual(OnnxGraph g, BasicBlock block, string x)
    {
        var c = block.named_children().ToDictionary(child => child.name, child => child.module);
        string main = Apply(g, c["bn2"], Apply(g, c["conv2"], g.Node("Relu", [Apply(g, c["bn1"], Apply(g, c["conv1"], x))])));
        string shortcut = c.TryGetValue("downsample", out var downsample) ? Apply(g, downsample, x) : x;
        return g.Node("Relu", [g.Node("Add", [main, shortcut])]);
    }

    /// <summary>A convolution block: main path, optional 1×1 shortcut added before the last activation, then pooling.</summary>
    private static string Block(OnnxGraph g, ConvBlock block, string x)
    {
        var children = block.named_children().ToDictionary(c => c.name, c => c.module);
        string main = Apply(g, children["main"], x);
        if (children.TryGetValue("shortcut", out var shortcut))
        {
            main = g.Node("Add", [main, Apply(g, shortcut, x)]);
        }

        return Apply(g, children["after"], Apply(g, children["activation"], main));
    }

    private static string[] Inputs(OnnxGraph g, string x, Tensor weight, Tensor? bias) =>
        bias is null ? [x, g.Weight(weight, "weight")] : [x, g.Weight(weight, "weight"), g.Weight(bias, "bias")];

    private static long[] Pads(long[] padding) => [.. padding, .. padding];
}
