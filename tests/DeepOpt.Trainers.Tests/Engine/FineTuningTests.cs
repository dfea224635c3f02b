// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class FineTuningTests
{
    private readonly MLContext _ml = new(seed: 1);

    [TestMethod]
    public void Fit_FrozenBlocks_StayBitwiseUnchanged_AndTheHeadIsRebuiltForANewLabelSet()
    {
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [16, 8], Epochs = 3, Seed = 1 }, Synthetic.KeyedBlobs(_ml, 120, 4, seed: 1));
        var options = new MlpOptions { HiddenLayerSizes = [16, 8], Epochs = 3, Seed = 2, FreezeBlocks = 1, LearningRate = 1e-2 };
        using var tuned = Mlp(options, Synthetic.KeyedBlobs(_ml, 90, 3, seed: 2), source);

        Assert.IsTrue(Same(source, tuned, "layers.fc0.weight") && Same(source, tuned, "layers.fc0.bias"), "the frozen first block is the pretrained one, bit for bit");
        Assert.IsFalse(Same(source, tuned, "layers.fc1.weight"), "the second block trained");
        CollectionAssert.AreEqual(new long[] { 3, 8 }, State(tuned, "layers.out.weight").shape, "the output layer has the new label set's 3 classes");
    }

    [TestMethod]
    public void Fit_SameNumberOfOtherClasses_RebuildsTheOutputLayer()
    {
        var data = Synthetic.KeyedBlobs(_ml, 90, 3, seed: 1);
        var renamed = _ml.Data.LoadFromEnumerable(Synthetic.Blobs(90, 3, seed: 1).Select(r => new VectorRow { Features = r.Features, Label = r.Label + 10 }));
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 2, Seed = 1 }, data);
        var barelyMoving = new MlpOptions { HiddenLayerSizes = [8], Epochs = 1, Seed = 2, LearningRate = 1e-9 };

        using var sameClasses = Mlp(barelyMoving, data, source);
        using var otherClasses = Mlp(barelyMoving, _ml.Transforms.Conversion.MapValueToKey("Label").Fit(renamed).Transform(renamed), source);

        double Distance(DeepPredictionTransformer model) => State(model, "layers.out.weight").sub(State(source, "layers.out.weight")).abs().max().item<float>();
        Assert.IsLessThan(1e-4, Distance(sameClasses), "the same classes keep the pretrained output layer");
        Assert.IsGreaterThan(1e-2, Distance(otherClasses), "classes 10, 11, 12 are not 0, 1, 2: the output layer starts afresh");
    }

    [TestMethod]
    public void Fit_FreezeAllButHead_TrainsTheOutputLayerOnly()
    {
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [16, 8], Epochs = 2, Seed = 1 }, Synthetic.KeyedBlobs(_ml, 120, 3, seed: 1));
        using var tuned = Mlp(new MlpOptions { HiddenLayerSizes = [16, 8], Epochs = 2, Seed = 1, FreezeAllButHead = true }, Synthetic.KeyedBlobs(_ml, 90, 3, seed: 3), source);

        Assert.IsTrue(new[] { "layers.fc0.weight", "layers.fc1.weight", "layers.fc1.bias" }.All(name => Same(source, tuned, name)));
        Assert.IsFalse(Same(source, tuned, "layers.out.weight"), "the same label set keeps the pretrained output layer, which trains on");
    }

    [TestMethod]
    public void Fit_GradualUnfreezing_LetsTheFrozenBlockTrainFromItsEpoch()
    {
        var data = Synthetic.KeyedBlobs(_ml, 90, 3, seed: 2);
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 2, Seed = 1 }, data);
        MlpOptions Options(int epochs) => new() { HiddenLayerSizes = [16], Epochs = epochs, Seed = 1, FreezeBlocks = 1, UnfreezeEveryEpochs = 2 };

        using var twoEpochs = Mlp(Options(2), data, source);
        using var threeEpochs = Mlp(Options(3), data, source);

        Assert.IsTrue(Same(source, twoEpochs, "layers.fc0.weight"), "frozen during epochs 1 and 2");
        Assert.IsFalse(Same(source, threeEpochs, "layers.fc0.weight"), "unfrozen from epoch 3");
    }

    [TestMethod]
    public void Fit_BatchNormStatisticsKept_LeavesTheRunningMeanAsPretrained()
    {
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [16], BatchNorm = true, Epochs = 2, Seed = 1 }, Synthetic.KeyedBlobs(_ml, 120, 3, seed: 1));
        var shifted = _ml.Data.LoadFromEnumerable(Synthetic.Blobs(90, 3, seed: 5).Select(r => new VectorRow { Features = r.Features.Select(x => x + 5).ToArray(), Label = r.Label }));
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(shifted).Transform(shifted);

        using var kept = Mlp(new MlpOptions { HiddenLayerSizes = [16], BatchNorm = true, Epochs = 2, Seed = 1, UpdateBatchNormStatistics = false }, keyed, source);
        using var updated = Mlp(new MlpOptions { HiddenLayerSizes = [16], BatchNorm = true, Epochs = 2, Seed = 1 }, keyed, source);

        Assert.IsTrue(Same(source, kept, "layers.bn0.running_mean"));
        Assert.IsFalse(Same(source, kept, "layers.bn0.weight"), "the scale still trains");
        Assert.IsFalse(Same(source, updated, "layers.bn0.running_mean"));
    }

    [TestMethod]
    public void Fit_FromTheSavedFile_EqualsFitFromTheTransformer_AndTheResultSavesAndLoads()
    {
        var data = Synthetic.KeyedBlobs(_ml, 90, 3, seed: 2);
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 2, Seed = 1 }, data);
        string path = Path.Combine(Path.GetTempPath(), $"deepopt-pretrained-{Guid.NewGuid():N}.zip");
        string tunedPath = Path.ChangeExtension(path, ".tuned.zip");
        try
        {
            _ml.Model.SaveDeepOpt(source, data.Schema, path);
            using var fromModel = Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 2, Seed = 3 }, data, source);
            using var fromFile = Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 2, Seed = 3, PretrainedModelPath = path }, data);
            Assert.IsTrue(MlpTrainerTests.WeightsEqual(fromModel, fromFile));

            _ml.Model.SaveDeepOpt(fromFile, data.Schema, tunedPath);
            var loaded = _ml.Model.LoadDeepOpt(tunedPath, out _);
            CollectionAssert.AreEqual(Scores(fromFile, data), Scores(loaded, data));
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
            File.Delete(tunedPath);
        }
    }

    [TestMethod]
    public void Fit_CnnWithFrozenFirstBlock_KeepsItsConvolution()
    {
        var images = Bars.Keyed(_ml, 60, seed: 1);
        CnnOptions Options(int frozen) => new() { FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [4, 8], BatchNorm = true, Epochs = 1, Seed = 1, FreezeBlocks = frozen };
        using var source = _ml.MulticlassClassification.Trainers.Cnn(Options(0)).Fit(images);
        using var tuned = _ml.MulticlassClassification.Trainers.Cnn(Options(1), new DeepFitContext { Pretrained = source }).Fit(Bars.Keyed(_ml, 60, seed: 2));

        var frozen = source.Network.state_dict().Keys.Where(name => name.StartsWith("blocks.block0.", StringComparison.Ordinal)).ToList();
        Assert.IsNotEmpty(frozen);
        Assert.IsTrue(frozen.All(name => Same(source, tuned, name)), "the first block's weights and batch-norm statistics are the pretrained ones");
        Assert.IsFalse(Same(source, tuned, "head.out.weight"));
    }

    [TestMethod]
    public void Fit_PretrainedOfAnotherWidth_NamesTheLayerAndBothShapes()
    {
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 1, Seed = 1 }, Synthetic.KeyedBlobs(_ml, 60, 3, seed: 1));
        var error = Assert.Throws<ArgumentException>(() => Mlp(new MlpOptions { HiddenLayerSizes = [32], Epochs = 1 }, Synthetic.KeyedBlobs(_ml, 60, 3, seed: 1), source));
        StringAssert.Contains(error.Message, "'layers.fc0.weight' has shape [16, 4], but this network's has [32, 4]");
    }

    [TestMethod]
    public void Fit_PretrainedOfAnotherKind_SaysWhichTrainerToUse()
    {
        using var source = Mlp(new MlpOptions { Epochs = 1 }, Synthetic.KeyedBlobs(_ml, 60, 3, seed: 1));
        var images = Bars.Keyed(_ml, 40, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Cnn(new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, Epochs = 1 }, new DeepFitContext { Pretrained = source }).Fit(images));
        StringAssert.Contains(error.Message, "The pretrained model is a MLP, but this trainer builds a CNN");
    }

    [TestMethod]
    [DataRow("FreezeBlocks")]
    [DataRow("FreezeAllButHead")]
    public void Constructor_FreezingWithoutAPretrainedModel_NamesTheOption(string option)
    {
        var options = option == "FreezeBlocks" ? new MlpOptions { FreezeBlocks = 1 } : new MlpOptions { FreezeAllButHead = true };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Mlp(options));
        Assert.AreEqual(option, error.ParamName);
        StringAssert.Contains(error.Message, "PretrainedModelPath");
    }

    [TestMethod]
    public void Constructor_MissingPretrainedFile_SaysWhereItLooked()
    {
        var error = Assert.Throws<FileNotFoundException>(() => _ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { PretrainedModelPath = "no-such-model.zip" }));
        StringAssert.Contains(error.Message, Path.GetFullPath("no-such-model.zip"));
    }

    [TestMethod]
    public void Fit_TooManyFrozenBlocks_SaysHowManyThereAre()
    {
        using var source = Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 1 }, Synthetic.KeyedBlobs(_ml, 60, 3, seed: 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Mlp(new MlpOptions { HiddenLayerSizes = [8], FreezeBlocks = 2, Epochs = 1 }, Synthetic.KeyedBlobs(_ml, 60, 3, seed: 1), source));
        Assert.AreEqual("FreezeBlocks", error.ParamName);
        StringAssert.Contains(error.Message, "this network has 2 blocks");
    }

    [TestMethod]
    public void Fit_TextModel_KeepsThePretrainedVocabulary()
    {
        var options = new LstmOptions { FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 8, HiddenSize = 8, Epochs = 1, Seed = 1 };
        var text = _ml.Data.LoadFromEnumerable(WordOrder.Make(80, seed: 1));
        var keys = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(text);
        using var source = _ml.MulticlassClassification.Trainers.Lstm(options).Fit(keys.Transform(text));
        var other = _ml.Data.LoadFromEnumerable(WordOrder.Make(60, seed: 9).Prepend(new TextRow { Text = "zebra quokka " + WordOrder.Make(1, seed: 2)[0].Text, Label = 0 }));

        using var tuned = _ml.MulticlassClassification.Trainers.Lstm(options, new DeepFitContext { Pretrained = source }).Fit(keys.Transform(other));

        CollectionAssert.AreEqual(source.Description.Features.Tokens!.Vocabulary!.Words.ToArray(), tuned.Description.Features.Tokens!.Vocabulary!.Words.ToArray());
    }

    [TestMethod]
    public void Fit_FewRowsOfARelatedTask_FineTunedBeatsTrainedFromScratch()
    {
        // The source task tells 8 blobs apart in 4 of 12 dimensions, the other 8 loud noise; the target task asks only
        // which half a blob is in (its parity), each class a union of 4 scattered blobs, from 2 rows per blob. From 16
        // rows the noise is easy to fit; the pretrained hidden layer has learnt to ignore it and to separate the blobs.
        var centres = Centres(8, 4, seed: 4);
        var target = Keyed(Rows(centres, 1000, seed: 6, label => label % 2));
        var tunedAccuracy = new List<double>();
        var scratchAccuracy = new List<double>();
        for (int seed = 1; seed <= 3; seed++)
        {
            using var source = Mlp(new MlpOptions { HiddenLayerSizes = [32], Epochs = 20, Seed = seed }, Keyed(Rows(centres, 800, seed, label => label)));
            var few = Keyed(Rows(centres, 16, seed + 10, label => label % 2));
            var options = new MlpOptions { HiddenLayerSizes = [32], Epochs = 40, BatchSize = 8, Seed = seed };
            using var scratch = Mlp(options, few);
            using var tuned = Mlp(new MlpOptions { HiddenLayerSizes = [32], Epochs = 40, BatchSize = 8, Seed = seed, PretrainedLearningRateFactor = 0.1 }, few, source);
            scratchAccuracy.Add(_ml.MulticlassClassification.Evaluate(scratch.Transform(target)).MicroAccuracy);
            tunedAccuracy.Add(_ml.MulticlassClassification.Evaluate(tuned.Transform(target)).MicroAccuracy);
        }

        Console.WriteLine($"fine-tuned {string.Join(", ", tunedAccuracy)}; from scratch {string.Join(", ", scratchAccuracy)}");
        Assert.IsGreaterThan(scratchAccuracy.Average() + 0.05, tunedAccuracy.Average(), $"fine-tuned {string.Join(", ", tunedAccuracy)}; from scratch {string.Join(", ", scratchAccuracy)}");
    }

    private DeepPredictionTransformer Mlp(MlpOptions options, IDataView data, DeepPredictionTransformer? pretrained = null) =>
        _ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { Pretrained = pretrained }).Fit(data);

    private IDataView Keyed(List<WideRow> rows)
    {
        var data = _ml.Data.LoadFromEnumerable(rows);
        return _ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data).Transform(data);
    }

    private static float[][] Centres(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    /// <summary>Rows around the centres in the first dimensions, with loud noise in the remaining ones of 12.</summary>
    private static List<WideRow> Rows(float[][] centres, int rows, int seed, Func<int, int> label)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(i =>
        {
            int blob = i % centres.Length;
            var features = new float[12];
            for (int d = 0; d < features.Length; d++)
            {
                features[d] = d < centres[blob].Length ? centres[blob][d] + (float)(0.4 * (random.NextDouble() - 0.5)) : (float)(4 * (random.NextDouble() - 0.5));
            }

            return new WideRow { Features = features, Label = label(blob) };
        }).ToList();
    }

    private float[] Scores(ITransformer model, IDataView data) => model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();

    private static Tensor State(DeepPredictionTransformer model, string name) => model.Network.state_dict()[name];

    private static bool Same(DeepPredictionTransformer a, DeepPredictionTransformer b, string name) =>
        State(a, name).shape.SequenceEqual(State(b, name).shape) && State(a, name).eq(State(b, name)).all().item<bool>();
}

/// <summary>A row of the wider blobs of the transfer test.</summary>
public sealed class WideRow
{
    [VectorType(12)]
    public float[] Features { get; set; } = [];

    public int Label { get; set; }
}
