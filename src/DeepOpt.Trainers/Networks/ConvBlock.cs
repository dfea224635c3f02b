// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// One convolution block: ConvsPerBlock × (conv, optional batch norm, activation), with the last activation after the
/// residual sum when the block is residual, then pooling and dropout. Children keep stable names (convN, bnN, actN,
/// shortcut, pool, drop) so saved weights keep their keys.
/// </summary>
internal sealed class ConvBlock : Module<Tensor, Tensor>
{
    [ComponentName(Name = "main")]
    private readonly Sequential _main;
    [ComponentName(Name = "shortcut")]
    private readonly TorchSharp.Modules.Conv2d? _shortcut;
    [ComponentName(Name = "activation")]
    private readonly Module<Tensor, Tensor> _activation;
    [ComponentName(Name = "after")]
    private readonly Sequential _after;

    public ConvBlock(int inChannels, int filters, CnnOptions options)
        : base(nameof(ConvBlock))
    {
        var main = new List<(string, Module<Tensor, Tensor>)>();
        int channels = inChannels;
        for (int i = 0; i < options.ConvsPerBlock; i++)
        {
            main.Add(($"conv{i}", Conv2d(channels, filters, options.KernelSize, stride: i == 0 ? options.Stride : 1, padding: options.Padding)));
            if (options.BatchNorm)
            {
                main.Add(($"bn{i}", BatchNorm2d(filters)));
            }

            if (i < options.ConvsPerBlock - 1)
            {
                main.Add(($"act{i}", Layers.Activation(options.Activation, options.LeakyReluSlope)));
            }

            channels = filters;
        }

        _main = Sequential(main);
        if (options.Residual)
        {
            // A 1×1 convolution matches channels and stride; it also fits when the main path changes the size by padding.
            _shortcut = Conv2d(inChannels, filters, 1, stride: options.Stride);
        }

        _activation = Layers.Activation(options.Activation, options.LeakyReluSlope);
        var after = new List<(string, Module<Tensor, Tensor>)>();
        if (options.Pooling == PoolingKind.Max)
        {
            after.Add(("pool", MaxPool2d(options.PoolSize)));
        }
        else if (options.Pooling == PoolingKind.Average)
        {
            after.Add(("pool", AvgPool2d(options.PoolSize)));
        }

        if (options.BlockDropout > 0)
        {
            after.Add(("drop", new SeededDropout(options.BlockDropout)));
        }

        _after = Sequential(after);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // Channels-last from the block's input on; a one-channel input has ambiguous strides, so its block converts
        // the main path's output as well.
        input = Layers.ChannelsLast(input);
        var main = Layers.ChannelsLast(_main.forward(input));
        if (_shortcut != null)
        {
            main = main + _shortcut.forward(input);
        }

        return _after.forward(_activation.forward(main));
    }
}
