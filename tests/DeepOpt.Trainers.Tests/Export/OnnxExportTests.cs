// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Every option that changes a network's graph, exported and run in ONNX Runtime on 1,200 rows against DeepOpt.</summary>
[TestClass]
public sealed class OnnxExportTests
{
    private const int Rows = 1200;

    [TestMethod]
    [DataRow(ActivationKind.Relu, false)]
    [DataRow(ActivationKind.LeakyRelu, true)]
    [DataRow(ActivationKind.Elu, false)]
    [DataRow(ActivationKind.Gelu, true)]
    [DataRow(ActivationKind.Silu, false)]
    [DataRow(ActivationKind.Tanh, true)]
    [DataRow(ActivationKind.Sigmoid, false)]
    public void Mlp_Multiclass_MatchesDeepOpt(ActivationKind activation, bool batchNorm)
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, Rows, classes: 3, seed: 2);
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions
        {
            HiddenLayerSizes = [16, 8], Activation = activation, LeakyReluSlope = 0.2, BatchNorm = batchNorm, Dropout = 0.2, Epochs = 2, ThreadCount = 1,
        }).Fit(data);
        OnnxRuntimeCheck.MatchesDeepOpt(ml, model, data);
    }

    [TestMethod]
    public void Mlp_BinaryAndRegression_MatchDeepOpt()
    {
        var ml = new MLContext(seed: 1);
        var binary = ml.Data.LoadFromEnumerable(Synthetic.BinaryBlobs(Rows, seed: 3));
        using var classifier = ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 2, ThreadCount = 1 }).Fit(binary);
        OnnxRuntimeCheck.MatchesDeepOpt(ml, classifier, binary);

        var regression = ml.Data.LoadFromEnumerable(Synthetic.Regression(Rows, seed: 4));
        using var regressor = ml.Regression.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], BatchNorm = true, Epochs = 2, ThreadCount = 1 }).Fit(regression);
        OnnxRuntimeCheck.MatchesDeepOpt(ml, regressor, regression);
    }

    public static IEnumerable<object[]> CnnVariants =>
    [
        ["seed CNN (max pooling, dense layer)", new CnnOptions { ConvFilters = [4, 8], DenseUnits = 16 }],
        ["batch norm, residual, average pooling, no dense layer", new CnnOptions { ConvFilters = [4, 8], BatchNorm = true, Residual = true, Pooling = PoolingKind.Average, DenseUnits = 0 }],
        ["two convolutions a block, stride 2, global average pooling", new CnnOptions { ConvFilters = [6, 16], ConvsPerBlock = 2, Stride = 2, Pooling = PoolingKind.None, GlobalAveragePooling = true, Activation = ActivationKind.LeakyRelu }],
        ["channels-last input, kernel 5, no padding", new CnnOptions { ConvFilters = [4], KernelSize = 5, Padding = 0, Layout = ImageLayout.ChannelsLast, BatchNorm = true, PixelScale = 0.01 }],
    ];

    [TestMethod]
    [DynamicData(nameof(CnnVariants))]
    public void Cnn_Variant_MatchesDeepOpt(string variant, CnnOptions options)
    {
        var ml = new MLContext(seed: 1);
        var data = Bars.Keyed(ml, Rows, seed: 5);
        options.FeatureColumnName = "Pixels";
        (options.ImageHeight, options.ImageWidth, options.Channels) = (Bars.Size, Bars.Size, 1);
        (options.Epochs, options.BatchSize, options.ThreadCount) = (1, 64, 1);
        using var model = ml.MulticlassClassification.Trainers.Cnn(options).Fit(data);
        OnnxRuntimeCheck.MatchesDeepOpt(ml, model, data);
        Assert.IsNotNull(variant);
    }

    [TestMethod]
    public void Cnn_Binary_MatchesDeepOpt()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Bars.Make(Rows, seed: 6).Select(r => new BinaryImageRow { Pixels = r.Pixels, Label = r.Label > 0 }));
        using var model = ml.BinaryClassification.Trainers.Cnn(new CnnOptions
        {
            FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [4], Epochs = 1, ThreadCount = 1,
        }).Fit(data);
        OnnxRuntimeCheck.MatchesDeepOpt(ml, model, data);
    }

    [TestMethod]
    [DataRow(RecurrentCellKind.Lstm, false, SequencePoolingKind.Last, 1)]
    [DataRow(RecurrentCellKind.Lstm, true, SequencePoolingKind.Last, 2)]
    [DataRow(RecurrentCellKind.Lstm, true, SequencePoolingKind.Mean, 1)]
    [DataRow(RecurrentCellKind.Lstm, false, SequencePoolingKind.Max, 2)]
    [DataRow(RecurrentCellKind.Gru, true, SequencePoolingKind.Max, 1)]
    [DataRow(RecurrentCellKind.Gru, false, SequencePoolingKind.Mean, 2)]
    [DataRow(RecurrentCellKind.Gru, true, SequencePoolingKind.Last, 2)]
    public void Recurrent_Variant_MatchesDeepOptOnPaddedAndEmptyRows(RecurrentCellKind cell, bool bidirectional, SequencePoolingKind pooling, int layers)
    {
        var ml = new MLContext(seed: 1);
        var train = WordOrder.Keyed(ml, 300, seed: 7);
        using var model = ml.MulticlassClassification.Trainers.Lstm(new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 8, HiddenSize = 8,
            Cell = cell, Bidirectional = bidirectional, Pooling = pooling, RecurrentLayers = layers, DenseUnits = layers == 2 ? 8 : 0,
            Padding = layers == 2 ? SequenceSide.Start : SequenceSide.End, Epochs = 2, ThreadCount = 1,
        }).Fit(train);

        // Rows with words the vocabulary lacks, empty rows and rows longer than MaxSequenceLength among the usual ones.
        var rows = WordOrder.Make(Rows, seed: 8);
        rows[0].Text = "";
        rows[1].Text = "zebra quokka";
        rows[2].Text = string.Join(' ', Enumerable.Repeat("alpha beta gamma the", 10));
        OnnxRuntimeCheck.MatchesDeepOpt(ml, model, ml.Data.LoadFromEnumerable(rows));
    }

    [TestMethod]
    [DataRow(4, "2,3", 1, true, SequencePoolingKind.Attention)]
    [DataRow(6, "3", 0, false, SequencePoolingKind.MeanMax)]
    [DataRow(0, "3", 0, false, SequencePoolingKind.Last)]
    [DataRow(0, "3", 0, false, SequencePoolingKind.Attention)]
    [DataRow(3, "1,4", 1, false, SequencePoolingKind.Last)]
    public void Recurrent_ConvolutionsAttentionAndNoRecurrence_MatchDeepOpt(int filters, string kernels, int layers, bool bidirectional, SequencePoolingKind pooling)
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.MulticlassClassification.Trainers.Lstm(new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 8, HiddenSize = 8, Cell = RecurrentCellKind.Gru,
            Bidirectional = bidirectional, Pooling = pooling, RecurrentLayers = layers, ConvolutionFilters = filters,
            ConvolutionKernelSizes = kernels.Split(',').Select(int.Parse).ToArray(), TokenDropout = 0.2, DenseUnits = 8, Epochs = 2, ThreadCount = 1,
        }).Fit(WordOrder.Keyed(ml, 300, seed: 7));
        var rows = WordOrder.Make(Rows, seed: 8);
        rows[0].Text = "";
        rows[1].Text = "zebra";
        rows[2].Text = string.Join(' ', Enumerable.Repeat("alpha beta gamma the", 10));
        OnnxRuntimeCheck.MatchesDeepOpt(ml, model, ml.Data.LoadFromEnumerable(rows));
    }

    [TestMethod]
    public void ConvertToOnnx_PipelineWithoutDeepOptModel_ThrowsBeforeWritingAFile()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Synthetic.Blobs(20, 2, seed: 1));
        var model = ml.Transforms.NormalizeMinMax("Features").Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}.onnx");
        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.Model.ConvertToOnnx(model, path));
        StringAssert.Contains(error.Message, "holds 0 DeepOpt models");
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void ConvertToOnnx_DisposedModel_ThrowsObjectDisposed()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 60, classes: 2, seed: 1);
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [4], Epochs = 1 }).Fit(data);
        model.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => ml.Model.ConvertToOnnx(model, new MemoryStream()));
    }
}

/// <summary>A flat grey image with a Boolean label.</summary>
public sealed class BinaryImageRow
{
    [Microsoft.ML.Data.VectorType(Bars.Size * Bars.Size)]
    public float[] Pixels { get; set; } = [];

    public bool Label { get; set; }
}
