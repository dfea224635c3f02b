// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace DeepOpt.Bench.Transfer;

/// <summary>The two routes on ML.NET's ImageNet ResNet-18: its features under a DeepOpt MLP head, and the whole network
/// fine-tuned by the CNN trainer.</summary>
internal sealed class ResNetRoutes(MLContext ml, FewLabels task, int threads, int seed, ResNetRecipe recipe)
{
    private IDataView? _testFeatures;

    /// <summary>The images as ML.NET image columns (grey, 28×28), which ResNet18Features resizes to 224×224, with the
    /// label as a key.</summary>
    public IDataView AsImages(List<FashionImage> rows) =>
        task.TargetKeys.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new ImageRow { Image = FashionImage.ToImage(r.Pixels), Label = r.Label })));

    /// <summary>ResNet-18 features (ML.NET's featurizer) and an MLP head; the time counts featurizing the labelled images.</summary>
    public RouteResult FeaturesAndHead(List<FashionImage> labelledRows, int count)
    {
        var labelled = AsImages(labelledRows);
        var featurizer = ml.Transforms.ResNet18Features("Features", "Image").Fit(labelled);
        _testFeatures ??= ml.Data.Cache(featurizer.Transform(AsImages(task.TestRows)));
        int epochs = CnnRoutes.EpochsFor(count);
        var watch = Stopwatch.StartNew();
        var features = ml.Data.Cache(featurizer.Transform(labelled));
        var head = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions
        {
            HiddenLayerSizes = [128], Dropout = 0.2, Epochs = epochs, BatchSize = 32, ThreadCount = threads, Seed = seed,
        });
        using var model = head.Fit(features);
        double seconds = watch.Elapsed.TotalSeconds;
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(_testFeatures)).MicroAccuracy;
        return new RouteResult("ResNet-18 features + MLP head", count, accuracy, seconds, count * (double)epochs / seconds);
    }

    /// <summary>ResNet-18 with its ImageNet weights, fine-tuned by the CNN trainer on images resized to <c>fineTuneSize</c>.</summary>
    public RouteResult FineTuned(IDataView labelled, int count)
    {
        int epochs = (int)Math.Round(CnnRoutes.EpochsFor(count) * recipe.EpochFactor);
        var options = new CnnOptions
        {
            FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, Channels = 1, Architecture = CnnArchitecture.ResNet18,
            ResizeImagesTo = recipe.Size, PretrainedLearningRateFactor = recipe.RateFactor, RandomHorizontalFlip = true, RandomCropPadding = recipe.CropPadding,
            LabelSmoothing = recipe.LabelSmoothing, FreezeAllButHead = recipe.UnfreezeEveryEpochs > 0, UnfreezeEveryEpochs = recipe.UnfreezeEveryEpochs, Epochs = epochs, BatchSize = 32, ThreadCount = threads, Seed = seed,
        };
        var watch = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.Cnn(options).Fit(labelled);
        double seconds = watch.Elapsed.TotalSeconds;
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(task.Test)).MicroAccuracy;
        return new RouteResult($"ResNet-18 fine-tuned ({recipe})", count, accuracy, seconds, count * (double)epochs / seconds);
    }

    /// <summary>A Fashion-MNIST row with an image column.</summary>
    private sealed class ImageRow
    {
        [ImageType(28, 28)]
        public MLImage? Image { get; set; }

        public float Label { get; set; }
    }
}

/// <summary>How the ResNet-18 route fine-tunes: input side, epochs (a factor on the CNN's), the pretrained layers' rate
/// factor, random crop padding, label smoothing, and gradual unfreezing from the head down (0: all layers train at once).</summary>
internal sealed record ResNetRecipe(int Size, double EpochFactor, double RateFactor, int CropPadding, double LabelSmoothing, int UnfreezeEveryEpochs)
{
    public override string ToString() =>
        $"{Size}×{Size}, rate ×{RateFactor}" + (CropPadding > 0 ? $", crops ±{CropPadding}" : "") + (LabelSmoothing > 0 ? $", smoothing {LabelSmoothing}" : "")
        + (UnfreezeEveryEpochs > 0 ? $", unfreezing every {UnfreezeEveryEpochs} epochs" : "") + (EpochFactor != 1 ? $", epochs ×{EpochFactor}" : "");
}
