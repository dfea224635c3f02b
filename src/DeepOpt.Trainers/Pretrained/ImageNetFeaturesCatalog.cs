// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Microsoft.ML;

/// <summary>ImageNet features for ML.NET pipelines: <c>ml.Transforms.ResNet18Features(...)</c>.</summary>
public static class ImageNetFeaturesCatalog
{
    /// <summary>The side ResNet-18's ONNX graph reads: images are resized to 224×224 first.</summary>
    public const int ImageSize = 224;

    /// <summary>
    /// The 512 ImageNet features of each image, from ML.NET's own ResNet-18 (the NuGet package
    /// Microsoft.ML.DnnImageFeaturizer.ResNet18, which DeepOpt.Trainers brings and copies beside the application; nothing is
    /// downloaded): the image is resized to 224×224, its RGB pixels extracted and run through
    /// <see cref="OnnxCatalog.DnnFeaturizeImage"/>. A grey image goes in as three equal planes. Feed the features to a
    /// DeepOpt MLP (or any ML.NET trainer) for a classifier trained on few labelled images.
    /// </summary>
    /// <param name="catalog">ml.Transforms.</param>
    /// <param name="outputColumnName">The features column: a vector of 512 Single.</param>
    /// <param name="inputColumnName">An image column, as ml.Transforms.LoadImages gives it.</param>
    /// <returns>The estimator; the temporary columns it makes are dropped.</returns>
    /// <example>
    /// <code>
    /// var pipeline = ml.Transforms.LoadImages("Image", folder, "Path")
    ///     .Append(ml.Transforms.ResNet18Features("Features", "Image"))
    ///     .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    ///     .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [128] }));
    /// </code>
    /// </example>
    public static IEstimator<ITransformer> ResNet18Features(this TransformsCatalog catalog, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        var environment = DeepOpt.Trainers.MlNetInternals.Environment(catalog);
        string resized = $"{outputColumnName}.Resized224", pixels = $"{outputColumnName}.Pixels224";
        return catalog.ResizeImages(resized, ImageSize, ImageSize, inputColumnName)
            .Append(catalog.ExtractPixels(pixels, resized))
            .Append(catalog.DnnFeaturizeImage(outputColumnName, m => m.ModelSelector.ResNet18(environment, m.OutputColumn, m.InputColumn), pixels))
            .Append(catalog.DropColumns(resized, pixels));
    }
}
