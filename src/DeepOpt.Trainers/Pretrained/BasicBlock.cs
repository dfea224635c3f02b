// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// ResNet's basic block (He et al. 2016, as torchvision builds it): conv1 3×3 (stride 1 or 2), bn1, ReLU, conv2 3×3,
/// bn2, plus the shortcut, then ReLU. The shortcut is the input itself, or, where the block halves the size or changes
/// the channels, a 1×1 convolution with batch norm (downsample.conv, downsample.bn). Convolutions have no bias: batch
/// norm follows each.
/// </summary>
internal sealed class BasicBlock : Module<Tensor, Tensor>
{
    [ComponentName(Name = "conv1")]
    private readonly Conv2d _conv1;
    [ComponentName(Name = "bn1")]
    private readonly BatchNorm2d _bn1;
    [ComponentName(Name = "conv2")]
    private readonly Conv2d _conv2;
    [ComponentName(Name = "bn2")]
    private readonly BatchNorm2d _bn2;
    [ComponentName(Name = "downsample")]
    private readonly Sequential? _downsample;

    public BasicBlock(long inChannels, long outChannels, long stride)
        : base(nameof(BasicBlock))
    {
        _conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        _bn1 = BatchNorm2d(outChannels);
        _conv2 = Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        _bn2 = BatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            _downsample = Sequential(("conv", Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)), ("bn", BatchNorm2d(outChannels)));
        }

        RegisterComponents();
    }

    /// <summary>Whether the shortcut is a 1×1 convolution rather than the input itself.</summary>
    public bool HasDownsample => _downsample is not null;

    public override Tensor forward(Tensor input)
    {
        var shortcut = _downsample is null ? input : _downsample.forward(input);
        var main = _bn2.forward(_conv2.forward(_bn1.forward(_conv1.forward(input)).relu_()));
        return main.add_(shortcut).relu_();
    }
}
