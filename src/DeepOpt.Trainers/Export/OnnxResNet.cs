// Licensed under the MIT license. See LICENSE in the repository root.

using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// The CNN trainer's ResNet-18 in ONNX, as <see cref="ResNetCnn"/> computes it: pixels to 0–255, resized (linear,
/// half-pixel, as TorchSharp's bilinear interpolation without corner alignment), grey planes repeated or RGB turned to
/// BGR, the mean image (at the network's input size, a constant) subtracted, then the stem, the four stages, global
/// average pooling and the head.
/// </summary>
internal static class OnnxResNet
{
    public static string Apply(OnnxGraph g, ResNetCnn network, CnnOptions options, string images)
    {
        string x = g.Node("Mul", [images, g.Floats([(float)(options.PixelScale * 255)], 1)]);
        long height = options.ImageHeight, width = options.ImageWidth;
        if (options.ResizeImagesTo > 0 && (height != options.ResizeImagesTo || width != options.ResizeImagesTo))
        {
            (height, width) = (options.ResizeImagesTo, options.ResizeImagesTo);
            string sizes = g.Node("Concat", [g.Node("Slice", [g.Node("Shape", [x]), g.Longs(0), g.Longs(2)]), g.Longs(height, width)], ("axis", 0L));
            x = g.Node("Resize", [x, "", "", sizes], ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"));
        }

        string bgr = options.Channels == 1 ? g.Node("Concat", [x, x, x], ("axis", 1L)) : g.Node("Gather", [x, g.Longs(2, 1, 0)], ("axis", 1L));
        var resnet = network.ResNet;
        using (no_grad())
        {
            using var mean = resnet.MeanImage(height, width).to(CPU);
            x = g.Node("Sub", [bgr, g.Weight(mean, "mean_image")]);
        }

        var stages = resnet.Blocks.Take(5).Aggregate(x, (value, block) => OnnxLayers.Apply(g, block.Block, value));
        string pooled = g.Node("Flatten", [g.Node("GlobalAveragePool", [stages])], ("axis", 1L));
        return OnnxLayers.Apply(g, resnet.Blocks[^1].Block, pooled);
    }
}
