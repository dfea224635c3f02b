// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// Two seeded fits running at once in one process give the weights each gives alone: every fit draws its
/// initialisation, shuffling, dropout masks, augmentation and validation split from its own seed.
/// </summary>
[TestClass]
public sealed class ConcurrentFitTests
{
    private const int Rounds = 3;

    [TestMethod]
    public void Fit_MlpWithDropoutAndValidationSplit_TwoAtOnceEqualEachAlone() =>
        AssertConcurrentFitsEqualAlone(seed => new MLContext(seed: 1).MulticlassClassification.Trainers.Mlp(new MlpOptions
        {
            HiddenLayerSizes = [32, 16], Dropout = 0.3, BatchNorm = true, Epochs = 6, BatchSize = 16, ValidationFraction = 0.2, Seed = seed,
        }).Fit(Synthetic.KeyedBlobs(new MLContext(seed: 1), 240, 3, seed: 1, spread: 1.0)));

    [TestMethod]
    public void Fit_CnnWithAugmentationAndDropout_TwoAtOnceEqualEachAlone() =>
        AssertConcurrentFitsEqualAlone(seed => new MLContext(seed: 1).MulticlassClassification.Trainers.Cnn(new CnnOptions
        {
            FeatureColumnName = "Pixels", ImageHeight = Bars.Size, ImageWidth = Bars.Size, ConvFilters = [8, 16], DenseUnits = 16,
            BlockDropout = 0.1, Dropout = 0.3, RandomHorizontalFlip = true, RandomCropPadding = 1, RandomErasingProbability = 0.3,
            WeightInit = WeightInitKind.KaimingUniform, Epochs = 3, BatchSize = 32, ValidationFraction = 0.2, Seed = seed,
        }).Fit(Bars.Keyed(new MLContext(seed: 1), 200, seed: 1)));

    [TestMethod]
    public void Fit_LstmWithEveryDropout_TwoAtOnceEqualEachAlone() =>
        AssertConcurrentFitsEqualAlone(seed => new MLContext(seed: 1).MulticlassClassification.Trainers.Lstm(new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 8, HiddenSize = 8, RecurrentLayers = 2,
            Bidirectional = true, SpatialDropout = 0.2, LayerDropout = 0.2, DenseUnits = 8, Dropout = 0.3,
            RecurrentWeightInit = WeightInitKind.Orthogonal, Epochs = 3, BatchSize = 16, ValidationFraction = 0.2, Seed = seed,
        }).Fit(WordOrder.Keyed(new MLContext(seed: 1), 160, seed: 1)));

    [TestMethod]
    public void Fit_GruSameSeedTwoAtOnce_BothEqualTheFitAlone() =>
        AssertConcurrentFitsEqualAlone(seed => new MLContext(seed: 1).MulticlassClassification.Trainers.Lstm(new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 8, HiddenSize = 8, Cell = RecurrentCellKind.Gru,
            Dropout = 0.3, DenseUnits = 8, Epochs = 3, BatchSize = 16, Seed = 7,
        }).Fit(WordOrder.Keyed(new MLContext(seed: 1), 160, seed: 1)));

    /// <summary>Fits seeds 1 and 2 alone, then both at once from a common start, <see cref="Rounds"/> times.</summary>
    private static void AssertConcurrentFitsEqualAlone(Func<int, DeepPredictionTransformer> fit)
    {
        using var firstAlone = fit(1);
        using var secondAlone = fit(2);
        for (int round = 0; round < Rounds; round++)
        {
            using var start = new Barrier(2);
            var first = Task.Run(() => { start.SignalAndWait(); return fit(1); });
            var second = Task.Run(() => { start.SignalAndWait(); return fit(2); });
            using var firstTogether = first.GetAwaiter().GetResult();
            using var secondTogether = second.GetAwaiter().GetResult();
            Assert.IsTrue(MlpTrainerTests.WeightsEqual(firstAlone, firstTogether), $"round {round}: seed 1 fitted beside another fit differs from seed 1 alone");
            Assert.IsTrue(MlpTrainerTests.WeightsEqual(secondAlone, secondTogether), $"round {round}: seed 2 fitted beside another fit differs from seed 2 alone");
        }
    }
}
