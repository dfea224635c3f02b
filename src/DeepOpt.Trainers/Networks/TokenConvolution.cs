// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// Convolutions over a token sequence (Kim, 2014): for each kernel size k, a layer of filters of width k (k3, k4, …)
/// over the embeddings, padded so that output t is centred on token t ((k − 1) / 2 zeros before, the rest after), then
/// the activation (act); the layers' outputs are joined per token, in the order of the kernel sizes.
/// </summary>
/// <remarks>
/// Input and output are (rows, tokens, channels). The embeddings of padding are zero, so the positions after a row's
/// last token read exactly like the zero padding of a shorter batch, and a row's outputs never depend on the batch.
/// </remarks>
internal sealed class TokenConvolution : Module<Tensor, Tensor>
{
    [ComponentName(Name = "kernels")]
    private readonly ModuleDict<Conv1d> _kernels;
    [ComponentName(Name = "act")]
    private readonly Module<Tensor, Tensor> _activation;

    public TokenConvolution(long inputSize, int filters, IReadOnlyList<int> kernelSizes, ActivationKind activation, double leakySlope)
        : base(nameof(TokenConvolution))
    {
        KernelSizes = kernelSizes.ToArray();
        _kernels = new ModuleDict<Conv1d>();
        foreach (int size in KernelSizes)
        {
            _kernels.Add(($"k{size}", Conv1d(inputSize, filters, size)));
        }

        _activation = Layers.Activation(activation, leakySlope);
        OutputSize = (long)filters * KernelSizes.Count;
        RegisterComponents();
    }

    /// <summary>The kernel sizes, in the order their outputs are joined.</summary>
    public IReadOnlyList<int> KernelSizes { get; }

    /// <summary>Channels per token of the output.</summary>
    public long OutputSize { get; }

    /// <summary>Zeros before and after the sequence for a kernel of <paramref name="size"/>, as PyTorch's "same" pads.</summary>
    public static (long Before, long After) Padding(int size) => ((size - 1) / 2, size - 1 - ((size - 1) / 2));

    /// <summary>The layer of one kernel size.</summary>
    public Conv1d Kernel(int size) => _kernels[$"k{size}"];

    /// <summary>The activation after the convolutions.</summary>
    public Module<Tensor, Tensor> Activation => _activation;

    public override Tensor forward(Tensor input)
    {
        var channelsFirst = input.transpose(1, 2);
        var outputs = KernelSizes.Select(size =>
        {
            var (before, after) = Padding(size);
            return Kernel(size).forward(functional.pad(channelsFirst, [before, after]));
        }).ToArray();
        return _activation.forward(torch.cat(outputs, 1)).transpose(1, 2);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _kernels.Dispose();
            _activation.Dispose();
        }

        base.Dispose(disposing);
    }
}
