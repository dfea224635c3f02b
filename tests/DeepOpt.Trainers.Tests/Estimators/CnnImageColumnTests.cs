// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>From PNG files in a folder to a trained CNN with ML.NET's own LoadImages and ResizeImages.</summary>
[TestClass]
public sealed class CnnImageColumnTests
{
    private static string s_folder = "";

    public sealed class ImageFile
    {
        public string Path { get; set; } = "";

        public float Label { get; set; }
    }

    [ClassInitialize]
    public static void WriteImages(TestContext context)
    {
        s_folder = Directory.CreateTempSubdirectory("deepopt-images-").FullName;
    }

    [ClassCleanup]
    public static void DeleteImages() => Directory.Delete(s_folder, recursive: true);

    /// <summary>Writes bars as grey PNG files of <paramref name="size"/> pixels (scaled up from 12) and lists them.</summary>
    private static List<ImageFile> Write(string prefix, int rows, int seed, int size = Bars.Size)
    {
        var files = new List<ImageFile>();
        foreach (var (bar, i) in Bars.Make(rows, seed).Select((b, i) => (b, i)))
        {
            var bgra = new byte[size * size * 4];
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    byte value = (byte)bar.Pixels[((y * Bars.Size / size) * Bars.Size) + (x * Bars.Size / size)];
                    int p = ((y * size) + x) * 4;
                    (bgra[p], bgra[p + 1], bgra[p + 2], bgra[p + 3]) = (value, value, value, 255);
                }
            }

            string name = $"{prefix}-{i}.png";
            using var image = MLImage.CreateFromPixels(size, size, MLPixelFormat.Bgra32, bgra);
            image.Save(Path.Combine(s_folder, name));
            files.Add(new ImageFile { Path = name, Label = bar.Label });
        }

        return files;
    }

    private static CnnOptions Options() => new() { FeatureColumnName = "Image", ConvFilters = [8, 16], DenseUnits = 32, Epochs = 8, LearningRate = 3e-3, Seed = 1 };

    [TestMethod]
    public void Fit_PngFilesThroughLoadImagesAndResizeImages_LearnsAndScores()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Write("train", 400, seed: 1, size: 24));
        var test = ml.Data.LoadFromEnumerable(Write("test", 100, seed: 2, size: 24));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", Bars.Size, Bars.Size))
            .Append(ml.MulticlassClassification.Trainers.Cnn(Options()));
        var model = pipeline.Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        Assert.IsGreaterThanOrEqualTo(0.9, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");

        var stream = new MemoryStream();
        ml.Model.SaveDeepOpt(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = ml.Model.LoadDeepOpt(stream, out _);
        CollectionAssert.AreEqual(model.Transform(test).GetColumn<uint>("PredictedLabel").ToArray(), loaded.Transform(test).GetColumn<uint>("PredictedLabel").ToArray());

        var engine = ml.Model.CreatePredictionEngine<ImageFile, Prediction>(loaded);
        var first = ml.Data.CreateEnumerable<ImageFile>(test, reuseRowObject: false).First();
        Assert.AreEqual(model.Transform(test).GetColumn<uint>("PredictedLabel").First(), engine.Predict(first).PredictedLabel);
    }

    [TestMethod]
    public void Fit_ImagesOfAnotherSize_NamesTheColumnAndBothSizes()
    {
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.ImageHeight = 20;
        options.ImageWidth = 20;
        var data = ml.Data.LoadFromEnumerable(Write("sized", 20, seed: 3));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(options));
        var error = Assert.Throws<InvalidOperationException>(() => pipeline.Fit(data));
        StringAssert.Contains(error.Message, "Features column 'Image' has an image of 12×12 at row 0");
        StringAssert.Contains(error.Message, "expects 20×20");
        StringAssert.Contains(error.Message, "ResizeImages");
    }

    [TestMethod]
    public void Fit_ImagesSmallerThanTheKernel_NamesKernelSizeAndTheImageBeforeTraining()
    {
        // An image column's size is known only at Fit, so the kernel is checked against it there.
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.KernelSize = 7;
        options.Padding = 0;
        options.BatchSize = 8;
        var data = ml.Data.LoadFromEnumerable(Write("small", 20, seed: 3));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", 5, 6))
            .Append(ml.MulticlassClassification.Trainers.Cnn(options));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(data));
        Assert.AreEqual("KernelSize", error.ParamName);
        StringAssert.Contains(error.Message, "`KernelSize` 7 is larger than the 6×5 image. Use a `KernelSize` of at most 5 or more `Padding`.");
    }

    [TestMethod]
    public void Fit_ImagesOfUnknownSize_SaysToResize()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Write("unknown", 20, seed: 3));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.MulticlassClassification.Trainers.Cnn(Options()));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(data));
        StringAssert.Contains(error.Message, "Features column 'Image' holds images of unknown size");
    }

    [TestMethod]
    public void Fit_MissingImageFile_NamesTheColumnRowAndFile()
    {
        var ml = new MLContext(seed: 1);
        var files = Write("missing", 20, seed: 3);
        files[4].Path = "no-such-file.png";
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.LoadImages("Image", s_folder, "Path"))
            .Append(ml.Transforms.ResizeImages("Image", Bars.Size, Bars.Size))
            .Append(ml.MulticlassClassification.Trainers.Cnn(Options()));
        var error = Assert.Throws<InvalidOperationException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(files)));
        StringAssert.Contains(error.Message, "Could not load the image of features column 'Image' at row 4");
        StringAssert.Contains(error.Message, "no-such-file.png");
    }

    public sealed class Prediction
    {
        public uint PredictedLabel { get; set; }
    }
}
