// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

/// <summary>The real images of Pretrained/TestData (see its README), read as ML.NET gives them to a network.</summary>
internal static class TestImages
{
    /// <summary>Two colour photos, 112×112.</summary>
    public static readonly string[] Photos = ["board-f3.jpg", "board-verify.jpg"];

    /// <summary>Two grey Fashion-MNIST images, 28×28.</summary>
    public static readonly string[] Clothes = ["fashion-t10k-0.png", "fashion-t10k-1.png"];

    /// <summary>All four.</summary>
    public static string[] All => [.. Photos, .. Clothes];

    public sealed class ImageFile
    {
        public string Path { get; set; } = "";
    }

    /// <summary>
    /// The images through ML.NET's LoadImages, ResizeImages to <paramref name="size"/>×<paramref name="size"/> and
    /// ExtractPixels with its defaults (RGB planes, 0–255), or with the red plane alone when <paramref name="grey"/>:
    /// a (images, 3 or 1, size, size) tensor.
    /// </summary>
    public static Tensor Pixels(string[] files, int size, bool grey = false)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(files.Select(f => new ImageFile { Path = f }));
        var colors = grey ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb;
        var pipeline = ml.Transforms.LoadImages("Image", Path.Combine(AppContext.BaseDirectory, "Pretrained", "TestData"), "Path")
            .Append(ml.Transforms.ResizeImages("Image", size, size))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", colorsToExtract: colors));
        var rows = pipeline.Fit(data).Transform(data).GetColumn<float[]>("Pixels").ToArray();
        return torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, grey ? 1 : 3, size, size]);
    }

    /// <summary>The largest absolute difference between two tensors of the same shape.</summary>
    public static double MaxAbsDifference(Tensor expected, Tensor actual)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, "shapes");
        using var difference = (expected - actual).abs().max();
        return difference.item<float>();
    }
}
