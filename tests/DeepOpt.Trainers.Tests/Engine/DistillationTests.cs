// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class DistillationTests
{
    [TestMethod]
    public void Fit_WithTeacherOnSmallData_MatchesTheTeacherBetterThanWithoutIt()
    {
        var ml = new MLContext(seed: 1);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(Synthetic.Blobs(60, 6, 0)));
        IDataView Data(int rows, int seed) => keys.Transform(ml.Data.LoadFromEnumerable(Synthetic.Blobs(rows, 6, seed, spread: 1.2)));
        using var teacher = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [64], Epochs = 30, LearningRate = 3e-3, Seed = 1 }).Fit(Data(3000, 1));
        var test = Data(1500, 2);
        var teacherLabels = teacher.Transform(test).GetColumn<uint>("PredictedLabel").ToArray();

        double Agreement(IDataView train, int seed, DeepPredictionTransformer? withTeacher)
        {
            var options = new MlpOptions { HiddenLayerSizes = [32], Epochs = 80, BatchSize = 8, LearningRate = 3e-3, Seed = seed, DistillationAlpha = 0.9, DistillationTemperature = 4 };
            using var student = ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { Teacher = withTeacher }).Fit(train);
            var labels = student.Transform(test).GetColumn<uint>("PredictedLabel").ToArray();
            return labels.Zip(teacherLabels).Count(p => p.First == p.Second) / (double)labels.Length;
        }

        var distilled = new List<double>();
        var plain = new List<double>();
        for (int seed = 10; seed < 13; seed++)
        {
            var small = Data(36, seed);
            distilled.Add(Agreement(small, seed, teacher));
            plain.Add(Agreement(small, seed, null));
        }

        Console.WriteLine($"distilled {string.Join(", ", distilled)}; plain {string.Join(", ", plain)}");
        Assert.IsGreaterThan(plain.Average() + 0.02, distilled.Average(), $"agreement with the teacher: distilled {string.Join(", ", distilled)}; plain {string.Join(", ", plain)}");
    }

    [TestMethod]
    public void Fit_TeacherOfAnotherShape_SaysWhatDiffers()
    {
        var ml = new MLContext(seed: 1);
        using var teacher = ml.MulticlassClassification.Trainers.Mlp(epochs: 1).Fit(Synthetic.KeyedBlobs(ml, 40, 2, 1));
        var options = new MlpOptions { Epochs = 1 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { Teacher = teacher }).Fit(Synthetic.KeyedBlobs(ml, 60, 3, 1)));
        Assert.AreEqual("Teacher", error.ParamName);
        StringAssert.Contains(error.Message, "has 2 classes");
        StringAssert.Contains(error.Message, "3 classes");
    }

    [TestMethod]
    public void Fit_TeacherDisposedBeforeFit_SaysSoBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 2, 1);
        var teacher = ml.MulticlassClassification.Trainers.Mlp(epochs: 1).Fit(data);
        var student = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Epochs = 1 }, new DeepFitContext { Teacher = teacher });
        teacher.Dispose();
        var options = new MlpOptions { Epochs = 1 };

        var atFit = Assert.Throws<ArgumentException>(() => student.Fit(data));
        var atConstruction = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { Teacher = teacher }));

        foreach (var error in new[] { atFit, atConstruction })
        {
            Assert.AreEqual("Teacher", error.ParamName);
            StringAssert.Contains(error.Message, "`Teacher` was disposed");
            StringAssert.Contains(error.Message, "until the student's Fit returns");
        }
    }

    [TestMethod]
    public void Fit_TextTeacherWithAnotherVocabulary_StudentLearnsTheTeachersAnswers()
    {
        var ml = new MLContext(seed: 1);
        IDataView Keyed(IEnumerable<TextRow> rows)
        {
            var data = ml.Data.LoadFromEnumerable(rows);
            return ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data).Transform(data);
        }

        var options = new LstmOptions
        {
            FeatureColumnName = "Text", MaxSequenceLength = WordOrder.MaxWords + 2, EmbeddingSize = 16, HiddenSize = 16,
            Epochs = 8, BatchSize = 32, LearningRate = 1e-2, Seed = 1, ThreadCount = 2, DistillationAlpha = 1,
        };

        using var teacher = ml.MulticlassClassification.Trainers.Lstm(options).Fit(Keyed(WordOrder.Make(400, seed: 1)));

        // The student's labels are noise and alpha is 1, so all it can learn comes from the teacher; its first row
        // numbers the words in another order than the teacher's vocabulary.
        var random = new Random(3);
        var first = new TextRow { Text = "quickly house tree under on small big sits runs dog cat blue green red a the gamma beta alpha", Label = 0 };
        var noisy = WordOrder.Make(400, seed: 7).Select(r => new TextRow { Text = r.Text, Label = random.Next(3) });
        using var student = ml.MulticlassClassification.Trainers.Lstm(options, new DeepFitContext { Teacher = teacher }).Fit(Keyed(noisy.Prepend(first)));

        var teacherWords = teacher.Description.Features.Tokens!.Vocabulary!.Words;
        var studentWords = student.Description.Features.Tokens!.Vocabulary!.Words;
        Assert.IsFalse(teacherWords.SequenceEqual(studentWords), "the two vocabularies should number the words differently");
        var test = Keyed(WordOrder.Make(200, seed: 2));
        double accuracy = ml.MulticlassClassification.Evaluate(student.Transform(test)).MicroAccuracy;
        Console.WriteLine($"student accuracy on the true labels {accuracy}");
        Assert.IsGreaterThanOrEqualTo(0.9, accuracy, $"student accuracy {accuracy}");
    }

    [TestMethod]
    public void Fit_TextTeacherForKeyStudent_SaysWhatDiffers()
    {
        var ml = new MLContext(seed: 1);
        var keyed = WordOrder.Keyed(ml, 60, seed: 1);
        var text = ml.Data.LoadFromEnumerable(WordOrder.Make(60, seed: 1));
        var labels = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(text);
        using var teacher = ml.MulticlassClassification.Trainers.Lstm(new LstmOptions { FeatureColumnName = "Text", MaxSequenceLength = 14, Epochs = 1 }).Fit(labels.Transform(text));
        var tokens = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Append(ml.Transforms.Conversion.MapValueToKey("Tokens")).Fit(keyed).Transform(keyed);
        var options = new LstmOptions { FeatureColumnName = "Tokens", MaxSequenceLength = 14, Epochs = 1 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Lstm(options, new DeepFitContext { Teacher = teacher }).Fit(tokens));
        Assert.AreEqual("Teacher", error.ParamName);
        StringAssert.Contains(error.Message, "reads text and the student vector of keys");
        StringAssert.Contains(error.Message, "'Tokens'");
    }
}
