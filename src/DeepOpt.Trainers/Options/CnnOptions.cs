// Licensed under the MIT license. See LICENSE in the repository root.

using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Options of the convolutional image classifiers: the image shape, the convolution blocks, the dense head, on-the-fly
/// augmentation, plus every engine option. The defaults give the classic small CNN: conv 3×3 32, ReLU, max-pool 2,
/// conv 3×3 64, ReLU, max-pool 2, flatten, dense 128 ReLU, dense to the classes.
/// </summary>
public sealed class CnnOptions : DeepTrainerOptions
{
    /// <summary>The default value of each CNN option, written once.</summary>
    public static new class Defaults
    {
        /// <summary>Default of <see cref="ImageHeight"/>: taken from the image column.</summary>
        public const int ImageHeight = 0;
        /// <summary>Default of <see cref="ImageWidth"/>: taken from the image column.</summary>
        public const int ImageWidth = 0;
        /// <summary>Default of <see cref="Channels"/>.</summary>
        public const int Channels = 1;
        /// <summary>Default of <see cref="Layout"/>.</summary>
        public const ImageLayout Layout = ImageLayout.ChannelsFirst;
        /// <summary>Default of <see cref="PixelScale"/>: bytes 0–255 to [0, 1].</summary>
        public const double PixelScale = 1.0 / 255;
        /// <summary>Default of <see cref="ConvFilters"/>.</summary>
        public static int[] ConvFilters => [32, 64];
        /// <summary>Default of <see cref="KernelSize"/>.</summary>
        public const int KernelSize = 3;
        /// <summary>Default of <see cref="Stride"/>.</summary>
        public const int Stride = 1;
        /// <summary>Default of <see cref="Padding"/>.</summary>
        public const int Padding = 1;
        /// <summary>Default of <see cref="ConvsPerBlock"/>.</summary>
        public const int ConvsPerBlock = 1;
        /// <summary>Default of <see cref="Pooling"/>.</summary>
        public const PoolingKind Pooling = PoolingKind.Max;
        /// <summary>Default of <see cref="PoolSize"/>.</summary>
        public const int PoolSize = 2;
        /// <summary>Default of <see cref="BatchNorm"/>.</summary>
        public const bool BatchNorm = false;
        /// <summary>Default of <see cref="BlockDropout"/>.</summary>
        public const double BlockDropout = 0;
        /// <summary>Default of <see cref="Residual"/>.</summary>
        public const bool Residual = false;
        /// <summary>Default of <see cref="GlobalAveragePooling"/>.</summary>
        public const bool GlobalAveragePooling = false;
        /// <summary>Default of <see cref="DenseUnits"/>.</summary>
        public const int DenseUnits = 128;
        /// <summary>Default of <see cref="Dropout"/>.</summary>
        public const double Dropout = 0;
        /// <summary>Default of <see cref="RandomHorizontalFlip"/>.</summary>
        public const bool RandomHorizontalFlip = false;
        /// <summary>Default of <see cref="RandomCropPadding"/>.</summary>
        public const int RandomCropPadding = 0;
        /// <summary>Default of <see cref="RandomErasingProbability"/>.</summary>
        public const double RandomErasingProbability = 0;
        /// <summary>Default of <see cref="Architecture"/>.</summary>
        public const CnnArchitecture Architecture = CnnArchitecture.Custom;
        /// <summary>Default of <see cref="ImageNetWeights"/>.</summary>
        public const bool ImageNetWeights = true;
        /// <summary>Default of <see cref="ResizeImagesTo"/>.</summary>
        public const int ResizeImagesTo = 0;
    }

    /// <summary>The network: DeepOpt's own blocks, or ResNet-18.</summary>
    /// <value>With <see cref="CnnArchitecture.ResNet18"/>, the options of the custom blocks (filters, kernels, pooling,
    /// dense units, dropout) are not used; the engine's options all are, and <see cref="DeepTrainerOptions.FreezeBlocks"/>
    /// counts its stem and four stages. Default <see cref="CnnArchitecture.Custom"/>.</value>
    public CnnArchitecture Architecture { get; set; } = Defaults.Architecture;

    /// <summary>Whether ResNet-18 starts from the ImageNet weights shipped in Microsoft.ML.DnnImageFeaturizer.ResNet18
    /// (read offline from its ONNX file beside the application).</summary>
    /// <value>false starts from fresh weights. Only for <see cref="CnnArchitecture.ResNet18"/>. Default true.</value>
    public bool ImageNetWeights { get; set; } = Defaults.ImageNetWeights;

    /// <summary>The side, in pixels, that ResNet-18 resizes each image to (bilinear) before its first layer.</summary>
    /// <value>0 keeps the images' size (any size works; multiples of 32 match the ImageNet layout best); otherwise 1 or
    /// more, for example 64 for 28×28 images. Only for <see cref="CnnArchitecture.ResNet18"/>. Default 0.</value>
    public int ResizeImagesTo { get; set; } = Defaults.ResizeImagesTo;

    /// <summary>Whether the network starts from weights it brings along (ResNet-18's ImageNet ones).</summary>
    internal override bool HasBuiltInPretrainedWeights => Architecture == CnnArchitecture.ResNet18 && ImageNetWeights;

    /// <summary>The image height in pixels.</summary>
    /// <value>1 or more; 0 takes it from an image column (required for a vector column). Default 0.</value>
    public int ImageHeight { get; set; } = Defaults.ImageHeight;

    /// <summary>The image width in pixels.</summary>
    /// <value>1 or more; 0 takes it from an image column (required for a vector column). Default 0.</value>
    public int ImageWidth { get; set; } = Defaults.ImageWidth;

    /// <summary>Colour channels: 1 (grey) or 3 (red, green, blue).</summary>
    /// <value>1 or 3 for an image column; 1 or more for a vector column. Default 1.</value>
    public int Channels { get; set; } = Defaults.Channels;

    /// <summary>How a vector column orders the pixels.</summary>
    /// <value>Default <see cref="ImageLayout.ChannelsFirst"/>, as ExtractPixels produces.</value>
    public ImageLayout Layout { get; set; } = Defaults.Layout;

    /// <summary>Each pixel value is multiplied by this before the first convolution.</summary>
    /// <value>Greater than 0; 1 keeps values as they are. Default 1/255.</value>
    public double PixelScale { get; set; } = Defaults.PixelScale;

    /// <summary>The filters of each convolution block, from input to output.</summary>
    /// <value>At least one block, each 1 or more. Default [32, 64].</value>
    public int[] ConvFilters { get; set; } = Defaults.ConvFilters;

    /// <summary>The square kernel size of every convolution.</summary>
    /// <value>1 or more, and at most the feature map each convolution gets (the image for the first) plus 2 ×
    /// <see cref="Padding"/>. Default 3.</value>
    public int KernelSize { get; set; } = Defaults.KernelSize;

    /// <summary>The stride of the first convolution of each block.</summary>
    /// <value>1 or more. Default 1.</value>
    public int Stride { get; set; } = Defaults.Stride;

    /// <summary>Zero padding on each side of every convolution.</summary>
    /// <value>0 or more; KernelSize / 2 with an odd KernelSize keeps the size, which <see cref="Residual"/> needs. Default 1.</value>
    public int Padding { get; set; } = Defaults.Padding;

    /// <summary>Convolutions in each block.</summary>
    /// <value>1 or more. Default 1.</value>
    public int ConvsPerBlock { get; set; } = Defaults.ConvsPerBlock;

    /// <summary>The pooling after each block.</summary>
    /// <value>Default <see cref="PoolingKind.Max"/>.</value>
    public PoolingKind Pooling { get; set; } = Defaults.Pooling;

    /// <summary>The window and stride of the pooling.</summary>
    /// <value>1 or more. Default 2.</value>
    public int PoolSize { get; set; } = Defaults.PoolSize;

    /// <summary>Whether each convolution is followed by batch normalisation.</summary>
    /// <value>Default false.</value>
    public bool BatchNorm { get; set; } = Defaults.BatchNorm;

    /// <summary>Dropout after each block, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double BlockDropout { get; set; } = Defaults.BlockDropout;

    /// <summary>Whether each block adds its input to its output (a 1×1 convolution matches shapes), as in ResNet.</summary>
    /// <value>Default false.</value>
    public bool Residual { get; set; } = Defaults.Residual;

    /// <summary>Whether the blocks end in global average pooling rather than flattening.</summary>
    /// <value>Default false.</value>
    public bool GlobalAveragePooling { get; set; } = Defaults.GlobalAveragePooling;

    /// <summary>Units of the dense layer of the head.</summary>
    /// <value>0 or more; 0 goes straight to the output layer. Default 128.</value>
    public int DenseUnits { get; set; } = Defaults.DenseUnits;

    /// <summary>Dropout before the output layer, during training only.</summary>
    /// <value>In [0, 1); 0 turns it off. Default 0.</value>
    public double Dropout { get; set; } = Defaults.Dropout;

    /// <summary>Flips each training image left to right with probability 1/2.</summary>
    /// <value>Default false.</value>
    public bool RandomHorizontalFlip { get; set; } = Defaults.RandomHorizontalFlip;

    /// <summary>Pads each training image by this many zero pixels and crops a random window of the original size (a random shift).</summary>
    /// <value>0 or more; 0 turns it off. Default 0.</value>
    public int RandomCropPadding { get; set; } = Defaults.RandomCropPadding;

    /// <summary>The probability of erasing a random rectangle (2–33 % of the area) of each training image to 0.</summary>
    /// <value>In [0, 1]; 0 turns it off. Default 0.</value>
    public double RandomErasingProbability { get; set; } = Defaults.RandomErasingProbability;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        OptionChecks.AtLeast(ImageHeight, 0, nameof(ImageHeight));
        OptionChecks.AtLeast(ImageWidth, 0, nameof(ImageWidth));
        OptionChecks.AtLeast(Channels, 1, nameof(Channels));
        OptionChecks.Positive(PixelScale, nameof(PixelScale));
        if (ConvFilters == null || ConvFilters.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ConvFilters), $"`{nameof(ConvFilters)}` must list at least one block, for example [32, 64].");
        }

        foreach (var filters in ConvFilters)
        {
            OptionChecks.AtLeast(filters, 1, nameof(ConvFilters));
        }

        OptionChecks.AtLeast(KernelSize, 1, nameof(KernelSize));
        OptionChecks.AtLeast(Stride, 1, nameof(Stride));
        OptionChecks.AtLeast(Padding, 0, nameof(Padding));
        OptionChecks.AtLeast(ConvsPerBlock, 1, nameof(ConvsPerBlock));
        OptionChecks.AtLeast(PoolSize, 1, nameof(PoolSize));
        OptionChecks.InRange(BlockDropout, 0, 1, nameof(BlockDropout));
        OptionChecks.AtLeast(DenseUnits, 0, nameof(DenseUnits));
        OptionChecks.InRange(Dropout, 0, 1, nameof(Dropout));
        OptionChecks.AtLeast(RandomCropPadding, 0, nameof(RandomCropPadding));
        OptionChecks.InClosedRange(RandomErasingProbability, 0, 1, nameof(RandomErasingProbability));
        OptionChecks.AtLeast(ResizeImagesTo, 0, nameof(ResizeImagesTo));
        if (Architecture == CnnArchitecture.ResNet18 && Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, $"ResNet-18 reads 1 (grey) or 3 (RGB) channels, but `Channels` is {Channels}.");
        }

        if (Architecture == CnnArchitecture.Custom && ResizeImagesTo > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ResizeImagesTo), ResizeImagesTo, "`ResizeImagesTo` is for ResNet-18: resize images for the custom CNN with ml.Transforms.ResizeImages, or set `Architecture` = ResNet18.");
        }

        if (Architecture == CnnArchitecture.Custom && ImageHeight > 0 && ImageWidth > 0)
        {
            // An image column's size is known only at Fit, where the network checks it the same way.
            CnnShapes.Output(this);
        }
    }
}
