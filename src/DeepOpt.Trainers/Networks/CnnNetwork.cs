// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// A convolutional classifier over flat pixel vectors: the input is reshaped to (batch, channels, height, width) and
/// scaled, then runs through the blocks (block0, block1, …), global average pooling or flattening, an optional dense
/// layer (dense, denseAct, drop) and the output layer (out).
/// </summary>
internal sealed class CnnNetwork : Module<Tensor, Tensor>
{
    [ComponentName(Name = "blocks")]
    private readonly Sequential _blocks;
    [ComponentName(Name = "head")]
    private readonly Sequential _head;
    private readonly long[] _imageShape;
    private readonly bool _channelsLast;
    private readonly double _scale;

    public CnnNetwork(int outputSize, CnnOptions options)
        : base(nameof(CnnNetwork))
    {
        NnpackCheck.Apply(); // before the first convolution, the size probe below
        _channelsLast = options.Layout == ImageLayout.ChannelsLast;
        _imageShape = _channelsLast
            ? new long[] { -1, options.ImageHeight, options.ImageWidth, options.Channels }
            : new long[] { -1, options.Channels, options.ImageHeight, options.ImageWidth };
        _scale = options.PixelScale;
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        int channels = options.Channels;
        for (int i = 0; i < options.ConvFilters.Length; i++)
        {
            blocks.Add(($"block{i}", new ConvBlock(channels, options.ConvFilters[i], options)));
            channels = options.ConvFilters[i];
        }

        _blocks = Sequential(blocks);
        long flat = FlatSize(options);
        var head = new List<(string, Module<Tensor, Tensor>)>();
        head.Add(options.GlobalAveragePooling ? ("gap", AdaptiveAvgPool2d(1)) : ("identity", Identity()));
        head.Add(("flatten", Flatten()));
        long width = options.GlobalAveragePooling ? channels : flat;
        if (options.DenseUnits > 0)
        {
            head.Add(("dense", Linear(width, options.DenseUnits)));
            head.Add(("denseAct", Layers.Activation(options.Activation, options.LeakyReluSlope)));
            width = options.DenseUnits;
        }

        if (options.Dropout > 0)
        {
            head.Add(("drop", nn.Dropout(options.Dropout)));
        }

        head.Add(("out", Linear(width, outputSize)));
        _head = Sequential(head);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var images = input.view(_imageShape);
        if (_channelsLast)
        {
            images = images.permute(0, 3, 1, 2);
        }

        return _head.forward(_blocks.forward(images * _scale));
    }

    private long FlatSize(CnnOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long[] shape;
        try
        {
            shape = _blocks.forward(torch.zeros(1, options.Channels, options.ImageHeight, options.ImageWidth)).shape;
        }
        catch (ExternalException)
        {
            shape = new long[] { 0, 0, 0, 0 };
        }

        if (shape[2] < 1 || shape[3] < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CnnOptions.ConvFilters), $"An image of {options.ImageHeight}×{options.ImageWidth} shrinks to nothing after {options.ConvFilters.Length} blocks. Use fewer `ConvFilters` blocks, a smaller `PoolSize` or `Stride`, or `Pooling` = None.");
        }

        return shape[1] * shape[2] * shape[3];
    }
}
