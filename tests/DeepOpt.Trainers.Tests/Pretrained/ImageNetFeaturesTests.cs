// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

/// <summary>ResNet-18 features through ML.NET's own featurizer, in one pipeline with a DeepOpt head.</summary>
[TestClass]
public sealed class ImageNetFeaturesTests
{
    public sealed class LabelledImage
    {
        public string Path { get; set; } = "";

        public bool Label { get; set; }
    }

    [TestMethod]
    public void ResNet18Features_EqualTheTorchSharpResNetsOnRealImages_AndFeedAnMlpInOnePipeline()
    {
        var ml = new MLContext(seed: 1);
        var rows = TestImages.All.Select(f => new LabelledImage { Path = f, Label = TestImages.Photos.Contains(f) }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = ml.Transforms.LoadImages("Image", Path.Combine(AppContext.BaseDirectory, "Pretrained", "TestData"), "Path")
            .Append(ml.Transforms.ResNet18Features("Features", "Image"));
        var pipeline = features.Append(ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 30, BatchSize = 2, Seed = 1 }));

        var model = pipeline.Fit(data);
        var scored = model.Transform(data);

        var mlNet = scored.GetColumn<float[]>("Features").ToArray();
        Assert.IsTrue(mlNet.All(f => f.Length == ResNet18Network.FeatureSize));
        Assert.IsFalse(scored.Schema.Any(c => c.Name.Contains("224", StringComparison.Ordinal)), "the temporary columns are dropped");
        using var network = ResNet18Network.Pretrained(1, seed: 1);
        network.eval();
        using var pixels = TestImages.Pixels(TestImages.All, ImageNetFeaturesCatalog.ImageSize);
        using var expected = tensor(mlNet.SelectMany(f => f).ToArray(), [mlNet.Length, ResNet18Network.FeatureSize]);
        using (no_grad())
        {
            using var actual = network.Features(pixels);
            double difference = TestImages.MaxAbsDifference(expected, actual);
            Console.WriteLine($"ML.NET's featurizer against the TorchSharp ResNet-18: max abs difference {difference:G3}");
            Assert.IsLessThan(1e-4, difference);
        }

        CollectionAssert.AreEqual(rows.Select(r => r.Label).ToArray(), scored.GetColumn<bool>("PredictedLabel").ToArray(), "the head tells photos from clothes");
    }
}
