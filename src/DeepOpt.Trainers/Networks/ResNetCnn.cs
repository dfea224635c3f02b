// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// The CNN trainer's ResNet-18: it reads the trainer's pixel vectors (channels first or last, scaled by
/// <see cref="CnnOptions.PixelScale"/> to [0, 1]), gives <see cref="ResNet18Network"/> the 0–255 planes it expects,
/// resized when <see cref="CnnOptions.ResizeImagesTo"/> says so, and loads the ImageNet weights as the fit initialises
/// it (after the generic start, so the output layer draws from the fit's seed).
/// </summary>
internal sealed class ResNetCnn : Module<Tensor, Tensor>, IBlockNetwork, IOwnInitialization
{
    [ComponentName(Name = "resnet")]
    private readonly ResNet18Network _resnet;
    private readonly long[] _imageShape;
    private readonly bool _channelsLast;
    private readonly double _toBytes;
    private readonly int _resize;
    private readonly bool _imageNetWeights;

    /// <inheritdoc/>
    public IReadOnlyList<string[]> Blocks { get; }

    public ResNetCnn(int outputSize, CnnOptions options)
        : base(nameof(ResNetCnn))
    {
        _channelsLast = options.Layout == ImageLayout.ChannelsLast;
        _imageShape = _channelsLast
            ? [-1, options.ImageHeight, options.ImageWidth, options.Channels]
            : [-1, options.Channels, options.ImageHeight, options.ImageWidth];
        _toBytes = options.PixelScale * 255;
        _resize = options.ResizeImagesTo;
        _imageNetWeights = options.ImageNetWeights;
        _resnet = new ResNet18Network(outputSize, seed: 0); // every weight is set again by the fit's initialisation
        Blocks = [.. _resnet.Blocks.Select(block => new[] { $"resnet.{block.Name}." })];
        RegisterComponents();
    }

    /// <summary>Loads the ImageNet weights (unless told not to) and, always, ResNetPreprocess.onnx's mean image, which
    /// centres the pixels; the output layer keeps the start the fit's seed gave it.</summary>
    public void InitializeOwn(Generator generator)
    {
        if (_imageNetWeights)
        {
            ResNet18Weights.LoadBackbone(_resnet, OnnxGraphReader.Read(ResNet18Files.Model()));
        }

        ResNet18Weights.LoadPreprocess(_resnet, OnnxGraphReader.Read(ResNet18Files.Preprocess()));
    }

    /// <summary>Gets the ResNet-18 inside, for the ONNX export.</summary>
    internal ResNet18Network ResNet => _resnet;

    public override Tensor forward(Tensor input)
    {
        var images = input.view(_imageShape);
        if (_channelsLast)
        {
            images = images.permute(0, 3, 1, 2);
        }

        using (Scalar toBytes = _toBytes.ToScalar()) // held for the native call (STYLE: no implicit Scalar temporaries)
        {
            images = images.mul(toBytes);
        }

        if (_resize > 0 && (images.shape[2] != _resize || images.shape[3] != _resize))
        {
            images = functional.interpolate(images, [_resize, _resize], mode: InterpolationMode.Bilinear, align_corners: false);
        }

        return _resnet.forward(images);
    }
}
