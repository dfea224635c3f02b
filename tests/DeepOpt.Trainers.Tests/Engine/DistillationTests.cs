// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
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
            var options = new MlpOptions { HiddenLayerSizes = [32], Epochs = 80, BatchSize = 8, LearningRate = 3e-3, Seed = seed, Teacher = withTeacher, DistillationAlpha = 0.9, DistillationTemperature = 4 };
            using var student = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train);
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
        var options = new MlpOptions { Epochs = 1, Teacher = teacher };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(options).Fit(Synthetic.KeyedBlobs(ml, 60, 3, 1)));
        Assert.AreEqual("Teacher", error.ParamName);
        StringAssert.Contains(error.Message, "has 2 classes");
        StringAssert.Contains(error.Message, "3 classes");
    }
}
