// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Runs a convolution with few output channels as unfold and matrix product on the CPU while its input needs a
/// gradient. libtorch 2.10's oneDNN computes the input gradient of such a convolution wrongly on some processors: on
/// an AMD EPYC (Zen 5), 2 threads, it was NaN in 14–125 of 200 backward passes and differed from pass to pass, for 4
/// to 12 output channels with AVX-512 and for 4 with AVX2 (the cap <see cref="OneDnnWorkaround"/> sets); with 16 or
/// more output channels it was finite and repeatable. Weights, bias and their gradients are the convolution's own, so
/// saved models and initialisation do not change.
/// </summary>
internal static class SmallConvolution
{
    /// <summary>From this many output channels on, oneDNN's input gradient was right.</summary>
    public const int SafeOutputChannels = 16;

    /// <summary>The convolution of <paramref name="input"/> by <paramref name="convolution"/> (square kernel, zero padding).</summary>
    /// <param name="convolution">The layer, whose weights are used.</param>
    /// <param name="input">A (batch, channels, height, width) tensor.</param>
    /// <param name="stride">The layer's stride.</param>
    /// <param name="padding">The layer's padding on each side.</param>
    public static Tensor Forward(Conv2d convolution, Tensor input, long stride, long padding)
    {
        var weight = convolution.weight!;
        long outputChannels = weight.shape[0];
        if (!input.requires_grad || outputChannels >= SafeOutputChannels || input.device_type != DeviceType.CPU)
        {
            return convolution.forward(input);
        }

        long kernel = weight.shape[2];
        long height = ((input.shape[2] + (2 * padding) - kernel) / stride) + 1;
        long width = ((input.shape[3] + (2 * padding) - kernel) / stride) + 1;
        var columns = nn.functional.unfold(input, kernel, padding: padding, stride: stride);
        var output = weight.flatten(1).matmul(columns);
        if (convolution.bias is { } bias)
        {
            output = output + bias.view(1, outputChannels, 1);
        }

        return output.view(input.shape[0], outputChannels, height, width);
    }
}
