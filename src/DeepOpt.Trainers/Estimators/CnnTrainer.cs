// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Trains a convolutional network with TorchSharp for image classification, with on-the-fly augmentation and optional
/// knowledge distillation from a fitted DeepOpt teacher.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Multiclass classification, binary classification</description></item>
/// <item><term>Is normalization required?</term><description>No: pixels are scaled by <see cref="CnnOptions.PixelScale"/></description></item>
/// <item><term>Input columns</term><description>Label: key (multiclass) or Boolean (binary); Features: a known-size vector of Single holding Height × Width × Channels pixels in <see cref="CnnOptions.Layout"/></description></item>
/// <item><term>Output columns</term><description>Score, PredictedLabel and, for binary, Probability</description></item>
/// <item><term>Uses a GPU</term><description>Yes, CUDA when TorchSharp finds one, unless <see cref="DeepTrainerOptions.Device"/> says otherwise</description></item>
/// <item><term>Save and load</term><description>ml.Model.SaveDeepOpt / ml.Model.LoadDeepOpt</description></item>
/// </list>
/// The program in examples/FashionMnist trains one on Fashion-MNIST.
/// </remarks>
public sealed class CnnTrainer : DeepTrainerBase<CnnOptions>
{
    internal CnnTrainer(IHostEnvironment environment, CnnOptions options, PredictionKind task, DeepFitContext? context)
        : base(environment, options, task, context)
    {
    }

    /// <summary>The CNN: it reads images or pixel vectors, takes its image shape from an image column, and augments images.</summary>
    internal sealed class Design(CnnOptions options) : NetworkDesign
    {
        public override bool AcceptsImages => true;

        public override bool UsesBatchNorm => options.BatchNorm;

        protected override DeepTrainerOptions Options => options;

        public override nn.Module<Tensor, Tensor> Build(int inputSize, int outputSize) =>
            options.Architecture == CnnArchitecture.ResNet18 ? new ResNetCnn(outputSize, options) : new CnnNetwork(outputSize, options);

        public override DeepTrainerOptions ForFeatures(FeatureSpec features)
        {
            if (features.Image is { } image)
            {
                var copy = (CnnOptions)options.Clone();
                (copy.ImageHeight, copy.ImageWidth, copy.Channels, copy.Layout) = (image.Height, image.Width, image.Channels, ImageLayout.ChannelsFirst);
                return copy;
            }

            if (options.ImageHeight == 0 || options.ImageWidth == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(CnnOptions.ImageHeight), $"Features column '{options.FeatureColumnName}' is a vector of {features.Size} pixels: set `ImageHeight`, `ImageWidth` and `Channels` so that their product is {features.Size}.");
            }

            long expected = (long)options.ImageHeight * options.ImageWidth * options.Channels;
            if (expected != features.Size)
            {
                throw SchemaChecks.Mismatch(SchemaChecks.FeatureRole, options.FeatureColumnName, $"vector of Single of size {options.ImageHeight}×{options.ImageWidth}×{options.Channels} = {expected} (ImageHeight × ImageWidth × Channels)",
                    $"vector of size {features.Size}", "Set `ImageHeight`, `ImageWidth` and `Channels` to the shape of the images, or resize them first with ml.Transforms.ResizeImages.");
            }

            return options;
        }

        public override IBatchAugmenter? CreateAugmenter(int seed) =>
            options.RandomHorizontalFlip || options.RandomCropPadding > 0 || options.RandomErasingProbability > 0 ? new ImageAugmenter(options, seed) : null;

        public override FeatureSpec ImageSpec(ImageDataViewType type)
        {
            int height = options.ImageHeight > 0 ? options.ImageHeight : type.Height;
            int width = options.ImageWidth > 0 ? options.ImageWidth : type.Width;
            if (height == 0 || width == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(CnnOptions.ImageHeight), $"Features column '{options.FeatureColumnName}' holds images of unknown size. Resize them with ml.Transforms.ResizeImages, or set `ImageHeight` and `ImageWidth`.");
            }

            if (options.Channels is not (1 or 3))
            {
                throw new ArgumentOutOfRangeException(nameof(CnnOptions.Channels), options.Channels, $"`Channels` must be 1 (grey) or 3 (RGB) for an image column, but got {options.Channels}.");
            }

            return new FeatureSpec(options.FeatureColumnName, height * width * options.Channels, new ImageShape(height, width, options.Channels));
        }
    }
}
