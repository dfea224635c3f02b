// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// The ResNet-18 that ML.NET ships (CNTK's ImageNet model), with its weights (<see cref="Pretrained"/>) and its
/// preprocessing built in: it reads the planes <c>ExtractPixels</c> gives (RGB or one grey plane, 0–255) and gives 512
/// features (<see cref="Features"/>) or, through a fresh linear head, one logit per class
/// (<see cref="Module{T, TResult}.forward"/>).
/// </summary>
/// <remarks>
/// <para>
/// Blocks, in order (<see cref="Blocks"/>): stem (conv 7×7/2, bn, ReLU, max-pool 3×3/2), layer1…layer4 of
/// <see cref="BasicBlock"/>s (64, 128, 256, 512 channels; layer2…layer4 halve the size), then adaptive average pooling
/// to 1×1 and the head (linear 512 → classes). Batch norm stays a layer of its own, so its statistics can be fine-tuned.
/// The layout is torchvision's but for one block: ML.NET's file is CNTK's ResNet-18, whose layer4 has three basic blocks
/// (2, 2, 2, 3; torchvision's has 2, 2, 2, 2), and the network follows the file.
/// </para>
/// <para>
/// Preprocessing is ResNetPreprocess.onnx's: the RGB planes become BGR and a 224×224 mean image (CNTK's ImageNet mean,
/// per pixel) is subtracted; no scaling. For another size the mean image is resized to it (bilinear, antialiased): the
/// mean of resized images is the resized mean image, since resizing is linear.
/// </para>
/// <para>
/// Sizes: any height and width of at least 1 run; each stride-2 layer gives ⌈n/2⌉, so the last map is ⌈n/32⌉ wide.
/// Where height and width are multiples of 32 (224, 32, 64, 96, …), every layer equals the ONNX graph's: CNTK padded its
/// stride-2 layers asymmetrically (pads 3,3,2,2 for conv1, 1,1,0,0 for the others), which picks the same windows as
/// torchvision's symmetric padding on even sizes. The ONNX graph itself only takes 1×3×224×224 (it pools with a fixed
/// 7×7 window). In training mode, batch norm needs more than one value per channel: a batch of one image needs a height
/// or width above 32; two or more images run at any size.
/// </para>
/// </remarks>
internal sealed class ResNet18Network : Module<Tensor, Tensor>
{
    /// <summary>The length of <see cref="Features"/>' rows.</summary>
    public const int FeatureSize = 512;

    /// <summary>The image size the weights and the mean image were made for.</summary>
    public const int ImageNetSize = 224;

    private static readonly long[] s_widths = [64, 128, 256, 512];
    private static readonly int[] s_depths = [2, 2, 2, 3];

    [ComponentName(Name = "stem")]
    private readonly Sequential _stem;
    [ComponentName(Name = "layer1")]
    private readonly Sequential _layer1;
    [ComponentName(Name = "layer2")]
    private readonly Sequential _layer2;
    [ComponentName(Name = "layer3")]
    private readonly Sequential _layer3;
    [ComponentName(Name = "layer4")]
    private readonly Sequential _layer4;
    [ComponentName(Name = "head")]
    private Linear _head;
    [ComponentName(Name = "mean")]
    private Tensor _mean; // a buffer: BGR, 1×3×224×224; TorchSharp's to(device) replaces it through this field

    /// <summary>
    /// Builds the layers with untrained weights and a zero mean image; <see cref="Pretrained"/> gives the ImageNet ones.
    /// Libtorch's process-wide generator is left as it was; the head draws from <paramref name="seed"/>.
    /// </summary>
    /// <param name="classes">The head's outputs.</param>
    /// <param name="seed">Seeds the head's initialisation.</param>
    public ResNet18Network(int classes, int seed)
        : base(nameof(ResNet18Network))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        NnpackCheck.Apply(); // before the first convolution
        using (var state = torch.get_rng_state())
        {
            // The layers' own initialisation draws from the process-wide generator; the weights are replaced anyway.
            _stem = Sequential(
                ("conv", Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false)),
                ("bn", BatchNorm2d(64)),
                ("relu", ReLU(inplace: true)),
                ("pool", MaxPool2d(3, stride: 2, padding: 1)));
            _layer1 = Stage(0);
            _layer2 = Stage(1);
            _layer3 = Stage(2);
            _layer4 = Stage(3);
            _head = NewHead(classes, seed);
            torch.set_rng_state(state);
        }

        _mean = torch.zeros(1, 3, ImageNetSize, ImageNetSize).DetachFromDisposeScope(); // owned by the network, as parameters are
        RegisterComponents();
    }

    /// <summary>The blocks in forward order, by name: stem, layer1, layer2, layer3, layer4, head.</summary>
    public IReadOnlyList<(string Name, Module Block)> Blocks =>
        [("stem", _stem), ("layer1", _layer1), ("layer2", _layer2), ("layer3", _layer3), ("layer4", _layer4), ("head", _head)];

    /// <summary>The head's outputs.</summary>
    public long Classes => _head.out_features;

    /// <summary>
    /// ResNet-18 with the ImageNet weights and mean image of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18,
    /// read from <see cref="ResNet18Files"/>, and a fresh head.
    /// </summary>
    /// <param name="classes">The head's outputs.</param>
    /// <param name="seed">Seeds the head's initialisation.</param>
    /// <param name="baseDirectory">Where to look for the package's files; null: beside the application.</param>
    /// <exception cref="FileNotFoundException">The package's files are not there.</exception>
    /// <exception cref="InvalidDataException">A file does not hold the graph or weights expected.</exception>
    public static ResNet18Network Pretrained(int classes, int seed, string? baseDirectory = null)
    {
        var backbone = OnnxGraphReader.Read(ResNet18Files.Model(baseDirectory));
        var preprocess = OnnxGraphReader.Read(ResNet18Files.Preprocess(baseDirectory));
        var network = new ResNet18Network(classes, seed);
        try
        {
            ResNet18Weights.LoadBackbone(network, backbone);
            ResNet18Weights.LoadPreprocess(network, preprocess);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Replaces the head with a fresh linear layer 512 → <paramref name="classes"/>, on the network's device and in its mode.</summary>
    public void ReplaceHead(int classes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var head = NewHead(classes, seed).to(_mean.device);
        head.train(training);
        var old = _head;
        register_module("head", null!); // TorchSharp unregisters a name given null
        register_module("head", head);
        _head = head;
        old.Dispose();
    }

    /// <summary>Logits: the head over <see cref="Features"/>.</summary>
    /// <param name="input">Pixels as <see cref="Features"/> reads them.</param>
    public override Tensor forward(Tensor input) => _head.forward(Features(input));

    /// <summary>
    /// The pooled 512 features per image of <paramref name="pixels"/>: (batch, 3 or 1, height, width), RGB planes or
    /// one grey plane of 0–255 values, as ML.NET's ExtractPixels gives them (channels first, no scaling).
    /// </summary>
    public Tensor Features(Tensor pixels) => FeaturesOfPreprocessed(Preprocess(pixels));

    /// <summary>What ResNetPreprocess.onnx gives for <paramref name="pixels"/>: BGR planes minus the mean image.</summary>
    /// <exception cref="ArgumentException">The pixels are not (batch, 3 or 1, height, width).</exception>
    public Tensor Preprocess(Tensor pixels)
    {
        if (pixels.dim() != 4 || (pixels.shape[1] != 3 && pixels.shape[1] != 1))
        {
            throw new ArgumentException(
                $"ResNet-18 reads images as (batch, channels, height, width) with 3 RGB planes or 1 grey plane, as ExtractPixels gives them, "
                + $"but got shape {OnnxGraphReader.ShapeText(pixels.shape)}.", nameof(pixels));
        }

        var bgr = pixels.shape[1] == 1 ? pixels.expand(-1, 3, -1, -1) : pixels.flip(1);
        return bgr - MeanImage(pixels.shape[2], pixels.shape[3]);
    }

    /// <summary>The 512 features of images already preprocessed (what ResNet18.onnx reads).</summary>
    public Tensor FeaturesOfPreprocessed(Tensor bgr)
    {
        var maps = _layer4.forward(_layer3.forward(_layer2.forward(_layer1.forward(_stem.forward(bgr)))));
        return functional.adaptive_avg_pool2d(maps, 1).flatten(1);
    }

    /// <summary>The mean image at the given size: itself at 224×224, else resized.</summary>
    internal Tensor MeanImage(long height, long width) => height == ImageNetSize && width == ImageNetSize
        ? _mean
        : functional.interpolate(_mean, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);

    /// <summary>Stage <paramref name="index"/> (0 for layer1): its blocks block0, block1, …; the first halves the size from layer2 on.</summary>
    private static Sequential Stage(int index)
    {
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        for (int i = 0; i < s_depths[index]; i++)
        {
            long inChannels = i > 0 || index == 0 ? s_widths[index] : s_widths[index - 1];
            blocks.Add(($"block{i}", new BasicBlock(inChannels, s_widths[index], i == 0 && index > 0 ? 2 : 1)));
        }

        return Sequential(blocks);
    }

    /// <summary>A linear 512 → classes layer with PyTorch's default start, drawn from <paramref name="seed"/>.</summary>
    private static Linear NewHead(int classes, int seed)
    {
        using var state = torch.get_rng_state(); // Linear's own start draws from the process-wide generator
        var head = Linear(FeatureSize, classes);
        torch.set_rng_state(state);
        // PyTorch's start for a linear layer, U(−1/√fan_in, 1/√fan_in) for weight and bias, drawn from the seed. (Not
        // Layers.Initialize: it walks registered parameters, which a layer outside a network does not have yet.)
        using var generator = new Generator((ulong)seed, torch.CPU);
        using var noGrad = torch.no_grad();
        double bound = 1 / Math.Sqrt(FeatureSize);
        head.weight!.uniform_(-bound, bound, generator);
        head.bias!.uniform_(-bound, bound, generator);
        return head;
    }
}
