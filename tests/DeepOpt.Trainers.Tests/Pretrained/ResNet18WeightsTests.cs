// Licensed under the MIT license. See LICENSE in the repository root.

using Google.Protobuf;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

/// <summary>Loading ML.NET's ResNet-18 files: which initializer goes where, and what a file that does not fit says.</summary>
[TestClass]
public sealed class ResNet18WeightsTests
{
    private static ModelProto s_backbone = null!;
    private static ModelProto s_preprocess = null!;

    [ClassInitialize]
    public static void ReadFiles(TestContext context)
    {
        s_backbone = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18Files.Model()));
        s_preprocess = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18Files.Preprocess()));
    }

    [TestMethod]
    public void Files_BesideTheTests_AreThePackagesOnnxModels()
    {
        // The package's build props copy DnnImageModels/ into the output of every project referencing DeepOpt.Trainers.
        Assert.IsGreaterThan(60_000_000L, new FileInfo(ResNet18Files.Model()).Length);
        Assert.AreEqual("CNTK", s_backbone.ProducerName);
        Assert.AreEqual("resnet_input_preprocess", s_preprocess.Graph.Name);
    }

    [TestMethod]
    public void Files_Missing_ThrowFileNotFoundNamingThePackage()
    {
        var folder = Directory.CreateTempSubdirectory("deepopt-no-resnet-");
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => ResNet18Network.Pretrained(2, 1, folder.FullName));
            StringAssert.Contains(error.Message, "Microsoft.ML.DnnImageFeaturizer.ResNet18");
            StringAssert.Contains(error.Message, "DnnImageModels/ResNet18Onnx/ResNet18.onnx");
            Assert.AreEqual(Path.Combine(folder.FullName, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"), error.FileName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void Read_NotAnOnnxFile_ThrowsInvalidData()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x07]);
            var error = Assert.Throws<InvalidDataException>(() => OnnxGraphReader.Read(path));
            StringAssert.Contains(error.Message, "is not an ONNX model");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Floats_RawLittleEndianData_ReadsTheValuesAndChecksTheCount()
    {
        var values = new[] { 1.5f, -2f, 3.25f, 0f, 7f, -0.125f };
        var bytes = values.SelectMany(BitConverter.GetBytes).ToArray(); // little-endian on the platforms the tests run on
        var model = new ModelProto { Graph = new GraphProto() };
        model.Graph.Initializer.Add(new TensorProto { Name = "raw", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 2, 3 }, RawData = ByteString.CopyFrom(bytes) });
        model.Graph.Initializer.Add(new TensorProto { Name = "short", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 2, 4 }, RawData = ByteString.CopyFrom(bytes) });
        model.Graph.Initializer.Add(new TensorProto { Name = "ints", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 3 } });
        var graph = new OnnxGraphReader(model, "made");

        var (shape, read) = graph.Floats("raw");
        CollectionAssert.AreEqual(new long[] { 2, 3 }, shape);
        CollectionAssert.AreEqual(values, read);
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => graph.Floats("short")).Message, "has shape [2, 4] (8 values) but holds 6 values");
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => graph.Floats("ints")).Message, "holds Int64 values, but float32 weights were expected");
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => graph.Floats("none")).Message, "has no initializer 'none'");
    }

    [TestMethod]
    public void Load_ShippedFiles_PutsEachInitializerInTheLayerItsNodeFeeds()
    {
        using var scope = torch.NewDisposeScope();
        using var network = new ResNet18Network(classes: 2, seed: 1);
        ResNet18Weights.LoadBackbone(network, new OnnxGraphReader(s_backbone, "ResNet18.onnx"));
        ResNet18Weights.LoadPreprocess(network, new OnnxGraphReader(s_preprocess, "ResNetPreprocess.onnx"));
        var state = network.state_dict();
        var expected = new Dictionary<string, string>
        {
            ["stem.conv.weight"] = "Parameter91",                       // Convolution249 reads the input
            ["stem.bn.weight"] = "Parameter96", ["stem.bn.bias"] = "Parameter97", // BatchNormalization251: scale, B,
            ["stem.bn.running_mean"] = "Constant98", ["stem.bn.running_var"] = "Constant99", // mean, var
            ["layer1.block0.conv1.weight"] = "Parameter86",
            ["layer1.block1.conv2.weight"] = "Parameter73",
            ["layer2.block0.conv1.weight"] = "Parameter68",
            ["layer2.block0.downsample.conv.weight"] = "Parameter199",
            ["layer2.block0.downsample.bn.running_var"] = "Constant206",
            ["layer4.block2.conv2.weight"] = "Parameter10",
            ["layer4.block2.bn2.running_var"] = "Constant420",
        };
        var backbone = new OnnxGraphReader(s_backbone, "ResNet18.onnx");
        foreach (var (target, initializer) in expected)
        {
            var (shape, values) = backbone.Floats(initializer);
            Assert.AreEqual(0, TestImages.MaxAbsDifference(torch.tensor(values, shape), state[target]), $"{target} should hold {initializer}");
        }

        var (meanShape, mean) = new OnnxGraphReader(s_preprocess, "ResNetPreprocess.onnx").Floats("MeanImage");
        Assert.AreEqual(0, TestImages.MaxAbsDifference(torch.tensor(mean, meanShape), state["mean"]));
    }

    [TestMethod]
    [DataRow("Parameter73", new long[] { 64, 64, 1, 1 }, "input 1 of Conv node 'Convolution277') has shape [64, 64, 1, 1], but layer1.block1.conv2.weight has shape [64, 64, 3, 3]")]
    [DataRow("Constant420", new long[] { 256 }, "input 4 of BatchNormalization node 'BatchNormalization389') has shape [256], but layer4.block2.bn2.running_var has shape [512]")]
    [DataRow("Parameter199", new long[] { 128, 64, 3, 3 }, "'Parameter199' (input 1 of Conv node 'Convolution295') has shape [128, 64, 3, 3], but layer2.block0.downsample.conv.weight has shape [128, 64, 1, 1]")]
    public void LoadBackbone_InitializerOfAnotherShape_NamesItTheLayerAndBothShapes(string initializer, long[] shape, string expected)
    {
        var model = s_backbone.Clone();
        var tensor = model.Graph.Initializer.Single(t => t.Name == initializer);
        tensor.Dims.Clear();
        tensor.Dims.AddRange(shape);
        tensor.FloatData.Clear();
        tensor.FloatData.AddRange(new float[shape.Aggregate(1L, (product, size) => product * size)]);

        var error = LoadError(model);
        StringAssert.Contains(error.Message, $"initializer '{initializer}'");
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    [DataRow("ReLU269", "in layer1.block0, 'Plus267_Output_0' should feed one Relu node, but feeds Sigmoid node 'ReLU269'.")]
    [DataRow("ReLU261", "in layer1.block0, Conv node 'Convolution257' is followed by batch norm and Sigmoid node 'ReLU261', which is neither the main path nor the shortcut.")]
    [DataRow("ReLU253", "in the stem, 'BatchNormalization251_Output_0' should feed one Relu node, but feeds Sigmoid node 'ReLU253'.")]
    public void LoadBackbone_NodeOfAnotherKind_SaysWhereTheGraphDiffers(string node, string expected)
    {
        var model = s_backbone.Clone();
        model.Graph.Node.Single(n => n.Name == node).OpType = "Sigmoid";
        StringAssert.Contains(LoadError(model).Message, expected);
    }

    [TestMethod]
    public void LoadBackbone_ConvolutionWithOtherPadding_NamesTheNodeAndTheLayer()
    {
        var model = s_backbone.Clone();
        var pads = model.Graph.Node.Single(n => n.Name == "Convolution257").Attribute.Single(a => a.Name == "pads");
        pads.Ints.Clear();
        pads.Ints.AddRange([0, 0, 0, 0]);
        var message = LoadError(model).Message;
        StringAssert.Contains(message, "Conv node 'Convolution257'");
        StringAssert.Contains(message, "does not compute layer1.block0.conv1 (stride [1, 1], padding [1, 1]");
    }

    [TestMethod]
    public void LoadBackbone_ExtraInitializer_IsNamedAsBelongingToNoLayer()
    {
        var model = s_backbone.Clone();
        model.Graph.Initializer.Add(new TensorProto { Name = "Stray", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { 1f } });
        StringAssert.Contains(LoadError(model).Message, "initializers 'Stray' belong to no layer of ResNet18Network");
    }

    [TestMethod]
    public void LoadPreprocess_PlanesLeftInRgbOrder_SaysWhatTheConcatGives()
    {
        var model = s_preprocess.Clone();
        var concat = model.Graph.Node.Single(n => n.OpType == "Concat");
        var inputs = concat.Input.Reverse().ToArray();
        concat.Input.Clear();
        concat.Input.AddRange(inputs);
        using var network = new ResNet18Network(classes: 2, seed: 1);
        var error = Assert.Throws<InvalidDataException>(() => ResNet18Weights.LoadPreprocess(network, new OnnxGraphReader(model, "doctored")));
        StringAssert.Contains(error.Message, "should put the planes in BGR order on axis 1, but gives R, G, B");
    }

    private static InvalidDataException LoadError(ModelProto model)
    {
        using var network = new ResNet18Network(classes: 2, seed: 1);
        var error = Assert.Throws<InvalidDataException>(() => ResNet18Weights.LoadBackbone(network, new OnnxGraphReader(model, "doctored")));
        StringAssert.StartsWith(error.Message, "ResNet-18 weights from 'doctored': ");
        return error;
    }
}
