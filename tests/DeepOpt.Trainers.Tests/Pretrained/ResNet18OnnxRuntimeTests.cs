// Licensed under the MIT license. See LICENSE in the repository root.

using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// The TorchSharp ResNet-18 against ONNX Runtime running ML.NET's own files (ResNetPreprocess.onnx, then ResNet18.onnx)
/// on real images: the same preprocessing and the same 512 features within 1e-4.
/// </summary>
[TestClass]
public sealed class ResNet18OnnxRuntimeTests
{
    private const double Tolerance = 1e-4;
    private static ResNet18Network s_network = null!;

    [ClassInitialize]
    public static void LoadNetwork(TestContext context)
    {
        s_network = ResNet18Network.Pretrained(classes: 10, seed: 1);
        s_network.eval();
    }

    [ClassCleanup]
    public static void DisposeNetwork() => s_network.Dispose();

    [TestMethod]
    public void Preprocess_RealImagesAt224_EqualsResNetPreprocessOnnx()
    {
        using var scope = torch.NewDisposeScope();
        using var session = new InferenceSession(ResNet18Files.Preprocess());
        var pixels = TestImages.Pixels(TestImages.All, 224);
        var actual = s_network.Preprocess(pixels);
        var expected = torch.cat(Enumerable.Range(0, TestImages.All.Length).Select(i => Run(session, pixels[i..(i + 1)])).ToList(), 0);
        double difference = TestImages.MaxAbsDifference(expected, actual);
        Console.WriteLine($"preprocessing, 4 real images at 224×224: max abs difference {difference:G3}");
        Assert.AreEqual(0, difference, "ResNetPreprocess.onnx only reorders planes and subtracts: the values should be identical");
    }

    [TestMethod]
    public void Features_RealImagesAt224_EqualOnnxRuntimeOfPreprocessThenResNet18()
    {
        using var scope = torch.NewDisposeScope();
        using var preprocess = new InferenceSession(ResNet18Files.Preprocess());
        using var backbone = new InferenceSession(ResNet18Files.Model());
        var pixels = TestImages.Pixels(TestImages.All, 224);
        Tensor actual;
        using (torch.no_grad())
        {
            actual = s_network.Features(pixels); // the four images in one batch; ONNX Runtime takes one at a time
        }

        var expected = torch.cat(Enumerable.Range(0, TestImages.All.Length)
            .Select(i => Run(backbone, Run(preprocess, pixels[i..(i + 1)])).reshape(1, ResNet18Network.FeatureSize)).ToList(), 0);
        double difference = TestImages.MaxAbsDifference(expected, actual);
        Console.WriteLine($"features, 4 real images at 224×224: max abs difference {difference:G3} (largest feature {expected.max().item<float>():G3})");
        Assert.IsLessThanOrEqualTo(Tolerance, difference);
        Assert.IsGreaterThan(1.0, expected.max().item<float>(), "features of real images should not be all near zero");
    }

    [TestMethod]
    [DataRow(32)]
    [DataRow(64)]
    [DataRow(96)]
    [DataRow(256)]
    public void Features_RealImagesAtMultiplesOf32_EqualTheGraphWithGlobalPooling(int size)
    {
        // ResNet18.onnx takes 1×3×224×224 only and pools a fixed 7×7 window. The same graph with free dimensions and
        // GlobalAveragePool runs any batch and size: on multiples of 32 the network should compute exactly what it does.
        using var scope = torch.NewDisposeScope();
        using var backbone = new InferenceSession(WithFreeSizeAndGlobalPooling(ResNet18Files.Model()));
        var pixels = TestImages.Pixels(TestImages.All, size);
        Tensor actual, preprocessed;
        using (torch.no_grad())
        {
            preprocessed = s_network.Preprocess(pixels);
            actual = s_network.Features(pixels);
        }

        var expected = Run(backbone, preprocessed).reshape(-1, ResNet18Network.FeatureSize);
        double difference = TestImages.MaxAbsDifference(expected, actual);
        Console.WriteLine($"features, 4 real images at {size}×{size}, graph with global pooling: max abs difference {difference:G3}");
        Assert.IsLessThanOrEqualTo(Tolerance, difference);
    }

    /// <summary>Runs a one-input, one-output session on a float tensor.</summary>
    private static Tensor Run(InferenceSession session, Tensor input)
    {
        float[] values = input.contiguous().data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(values, input.shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        return torch.tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), shape);
    }

    /// <summary>ResNet18.onnx with batch, height and width left free and its last 7×7 AveragePool made GlobalAveragePool.</summary>
    private static byte[] WithFreeSizeAndGlobalPooling(string path)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var pool = model.Graph.Node.Single(n => n.OpType == "AveragePool");
        pool.OpType = "GlobalAveragePool";
        pool.Attribute.Clear();
        foreach (var value in model.Graph.Input.Concat(model.Graph.Output))
        {
            var dims = value.Type.TensorType.Shape.Dim;
            foreach (int axis in new[] { 0, 2, 3 })
            {
                dims[axis] = new TensorShapeProto.Types.Dimension { DimParam = $"d{axis}" };
            }
        }

        model.Graph.ValueInfo.Clear(); // shapes recorded for 224×224 would contradict the free ones
        return model.ToByteArray();
    }
}
