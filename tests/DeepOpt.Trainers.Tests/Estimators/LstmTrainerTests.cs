// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class LstmTrainerTests
{
    private static LstmOptions WordOrderOptions() => new()
    {
        FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 16, HiddenSize = 16,
        Epochs = 8, BatchSize = 32, LearningRate = 1e-2, Seed = 1, ThreadCount = 2,
    };

    private static float[] Scores(ITransformer model, IDataView data) =>
        model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();

    [TestMethod]
    public void Fit_WordOrderDecidesTheClass_LstmLearnsWhatBagOfWordsCannot()
    {
        var ml = new MLContext(seed: 1);
        var train = WordOrder.Keyed(ml, 400, seed: 1);
        var test = WordOrder.Keyed(ml, 200, seed: 2);
        using var lstm = ml.MulticlassClassification.Trainers.Lstm(WordOrderOptions()).Fit(train);
        double accuracy = ml.MulticlassClassification.Evaluate(lstm.Transform(test)).MicroAccuracy;
        var bag = ml.Transforms.Text.ProduceWordBags("Bag", "Text", ngramLength: 1)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "Bag"))
            .Fit(train);
        double bagAccuracy = ml.MulticlassClassification.Evaluate(bag.Transform(test)).MicroAccuracy;
        Console.WriteLine($"LSTM accuracy {accuracy}, bag-of-words accuracy {bagAccuracy}");
        Assert.IsGreaterThanOrEqualTo(0.95, accuracy, $"LSTM accuracy {accuracy}");
        Assert.IsLessThan(0.5, bagAccuracy, $"the task should defeat bag-of-words, which got {bagAccuracy}");
    }

    [TestMethod]
    [DataRow(RecurrentCellKind.Gru, false, SequencePoolingKind.Mean)]
    [DataRow(RecurrentCellKind.Lstm, true, SequencePoolingKind.Max)]
    public void Fit_GruAndBidirectional_LearnTheWordOrderTask(RecurrentCellKind cell, bool bidirectional, SequencePoolingKind pooling)
    {
        var ml = new MLContext(seed: 1);
        var options = WordOrderOptions();
        (options.Cell, options.Bidirectional, options.Pooling, options.RecurrentWeightInit) = (cell, bidirectional, pooling, WeightInitKind.Orthogonal);
        using var model = ml.MulticlassClassification.Trainers.Lstm(options).Fit(WordOrder.Keyed(ml, 400, seed: 1));
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(WordOrder.Keyed(ml, 200, seed: 2))).MicroAccuracy;
        Console.WriteLine($"{cell}, bidirectional {bidirectional}, {pooling}: accuracy {accuracy}");
        Assert.IsGreaterThanOrEqualTo(0.95, accuracy, $"{cell}, bidirectional {bidirectional}, {pooling}: accuracy {accuracy}");
    }

    [TestMethod]
    public void Fit_Binary_LearnsAndGivesProbabilities()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(WordOrder.MakeBinary(400, seed: 3));
        var options = WordOrderOptions();
        options.ValidationFraction = 0.1;
        using var model = ml.BinaryClassification.Trainers.Lstm(options).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(WordOrder.MakeBinary(200, seed: 4))));
        Console.WriteLine($"binary accuracy {metrics.Accuracy}");
        Assert.IsGreaterThanOrEqualTo(0.95, metrics.Accuracy, $"accuracy {metrics.Accuracy}");
        Assert.IsNotNull(model.History[^1].ValidationMetric);
    }

    [TestMethod]
    public void Fit_PaddingSideAndLength_DoNotChangeTheScores()
    {
        var ml = new MLContext(seed: 1);
        var train = WordOrder.Keyed(ml, 200, seed: 5);
        var test = WordOrder.Keyed(ml, 100, seed: 6);
        LstmOptions Options(SequenceSide padding, int length)
        {
            var options = WordOrderOptions();
            (options.Epochs, options.Padding, options.MaxSequenceLength, options.Bidirectional) = (2, padding, length, true);
            return options;
        }

        using var end = ml.MulticlassClassification.Trainers.Lstm(Options(SequenceSide.End, 14)).Fit(train);
        using var start = ml.MulticlassClassification.Trainers.Lstm(Options(SequenceSide.Start, 40)).Fit(train);
        CollectionAssert.AreEqual(Scores(end, test), Scores(start, test));
    }

    [TestMethod]
    public void Fit_TextColumnAndKeyVectorOfTheSameTokens_GiveTheSameScores()
    {
        var ml = new MLContext(seed: 1);
        var train = WordOrder.Keyed(ml, 200, seed: 7);
        var test = WordOrder.Keyed(ml, 100, seed: 8);
        var options = WordOrderOptions();
        options.Epochs = 2;
        using var fromText = ml.MulticlassClassification.Trainers.Lstm(options).Fit(train);
        var keysOptions = WordOrderOptions();
        (keysOptions.Epochs, keysOptions.FeatureColumnName) = (2, "Tokens");
        var fromKeys = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.MulticlassClassification.Trainers.Lstm(keysOptions))
            .Fit(train);
        CollectionAssert.AreEqual(Scores(fromText, test), Scores(fromKeys, test));
        ((IDisposable)fromKeys.LastTransformer).Dispose();
    }

    [TestMethod]
    public void Transform_WordsNeverSeenInTraining_ReadAsTheOutOfVocabularyToken()
    {
        var ml = new MLContext(seed: 1);
        var options = WordOrderOptions();
        options.Epochs = 1;
        using var model = ml.MulticlassClassification.Trainers.Lstm(options).Fit(WordOrder.Keyed(ml, 100, seed: 9));
        var rows = new[] { "alpha zebra beta gamma", "alpha yak beta gamma", "alpha beta gamma" }.Select(t => new TextRow { Text = t }).ToList();
        var scores = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToList();
        CollectionAssert.AreEqual(scores[0], scores[1], "two unknown words must read alike");
        CollectionAssert.AreNotEqual(scores[0], scores[2], "an unknown word is a token, not nothing");
    }

    [TestMethod]
    public void PredictionEngine_OneRowAtATime_ScoresAsTransformDoes()
    {
        var ml = new MLContext(seed: 1);
        var options = WordOrderOptions();
        options.Epochs = 1;
        var data = WordOrder.Keyed(ml, 100, seed: 13);
        using var model = ml.MulticlassClassification.Trainers.Lstm(options).Fit(data);
        var rows = WordOrder.Make(5, seed: 14);
        var expected = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score").ToList();
        var engine = ml.Model.CreatePredictionEngine<TextRow, ScoreRow>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            // A batch is cut to its longest row, so a row alone may round differently in the last bits.
            var actual = engine.Predict(rows[i]).Score;
            Assert.HasCount(expected[i].Length, actual);
            for (int c = 0; c < actual.Length; c++)
            {
                Assert.AreEqual(expected[i][c], actual[c], 1e-5, $"row {i}, class {c}");
            }
        }
    }

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void Fit_ValidationSet_IsReadWithTheTrainingVocabulary()
    {
        var ml = new MLContext(seed: 1);
        var options = WordOrderOptions();
        options.Epochs = 2;
        var context = new DeepFitContext { ValidationSet = WordOrder.Keyed(ml, 60, seed: 11) };
        using var model = ml.MulticlassClassification.Trainers.Lstm(options, context).Fit(WordOrder.Keyed(ml, 100, seed: 10));
        Assert.HasCount(2, model.History);
        Assert.IsNotNull(model.History[0].ValidationLoss);
    }

    [TestMethod]
    public void Fit_FiveTimes_LeavesLiveTensorsFlat()
    {
        var ml = new MLContext(seed: 1);
        var data = WordOrder.Keyed(ml, 100, seed: 12);
        var options = WordOrderOptions();
        (options.Epochs, options.Bidirectional, options.Pooling, options.SpatialDropout, options.ValidationFraction) = (2, true, SequencePoolingKind.Mean, 0.1, 0.2);
        void FitOnce()
        {
            using var model = ml.MulticlassClassification.Trainers.Lstm(options).Fit(data);
            _ = model.Transform(data).GetColumn<uint>("PredictedLabel").Count();
        }

        FitOnce();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            FitOnce();
        }

        Assert.AreEqual(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "live tensors after five fits");
    }
}
