// Licensed under the MIT license. See LICENSE in the repository root.

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
internal sealed class CnnNetwork : Module<Tensor, Tensor>, IBlockNetwork
{
    [ComponentName(Name = "blocks")]
    private readonly Sequential _blocks;
    [ComponentName(Name = "head")]
    private readonly Sequential _head;
    private readonly long[] _imageShape;
    private readonly bool _channelsLast;
    private readonly double _scale;

    /// <inheritdoc/>
    public IReadOnlyList<string[]> Blocks { get; }

    public CnnNetwork(int outputSize, CnnOptions options)
        : base(nameof(CnnNetwork))
    {
        NnpackCheck.Apply(); // before the first convolution
        var (height, width) = CnnShapes.Output(options); // a kernel or pooling window that does not fit fails here, by name
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
        var head = new List<(string, Module<Tensor, Tensor>)>();
        head.Add(options.GlobalAveragePooling ? ("gap", AdaptiveAvgPool2d(1)) : ("identity", Identity()));
        head.Add(("flatten", Flatten()));
        long features = options.GlobalAveragePooling ? channels : (long)channels * height * width;
        if (options.DenseUnits > 0)
        {
            head.Add(("dense", Linear(features, options.DenseUnits)));
            head.Add(("denseAct", Layers.Activation(options.Activation, options.LeakyReluSlope)));
            features = options.DenseUnits;
        }

        if (options.Dropout > 0)
        {
            head.Add(("drop", new SeededDropout(options.Dropout)));
        }

        head.Add(("out", Linear(features, outputSize)));
        Blocks = [.. Enumerable.Range(0, options.ConvFilters.Length).Select(i => new[] { $"blocks.block{i}." }), .. options.DenseUnits > 0 ? new[] { new[] { "head.dense." } } : [], ["head.out."]];
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

        using Scalar scale = _scale.ToScalar(); // held for the native call (STYLE: no implicit Scalar temporaries)
        return _head.forward(_blocks.forward(images.mul(scale)));
    }

}
