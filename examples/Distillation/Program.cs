// Licensed under the MIT license. See LICENSE in the repository root.
// Knowledge distillation: a wide CNN teaches a small one on the embedded UCI digits (8×8). Prints the accuracy and
// size of the teacher, of the small CNN trained on the labels alone, and of the same small CNN distilled.

using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;

var ml = new MLContext(seed: 1);
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(Digits.Load()), testFraction: 0.3, seed: 1);
var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(split.TrainSet);
var train = keys.Transform(split.TrainSet);
var test = keys.Transform(split.TestSet);

CnnOptions Options(int[] filters, int dense) => new()
{
    FeatureColumnName = "Pixels", ImageHeight = 8, ImageWidth = 8, PixelScale = 1.0 / 16,
    ConvFilters = filters, DenseUnits = dense, Padding = 1, Epochs = 20, BatchSize = 32, LearningRate = 2e-3, Seed = 1,
    RandomCropPadding = 1, DistillationTemperature = 4, DistillationAlpha = 0.5,
};

(double Accuracy, long Size, DeepPredictionTransformer Model) Train(string name, CnnOptions options, DeepPredictionTransformer? teacher = null)
{
    var model = ml.MulticlassClassification.Trainers.Cnn(options, new DeepFitContext { Teacher = teacher }).Fit(train);
    double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
    Console.WriteLine($"{name,-28} test accuracy {accuracy:P2}   {model.ParameterCount,9:N0} weights");
    return (accuracy, model.ParameterCount, model);
}

var teacher = Train("wide teacher (32, 64; 128)", Options([32, 64], 128));
var alone = Train("small CNN, labels only (6; 24)", Options([6], 24));
var distilled = Train("small CNN, distilled (6; 24)", Options([6], 24), teacher.Model);
Console.WriteLine($"The student has {100.0 * distilled.Size / teacher.Size:F1} % of the teacher's weights; distillation moved its accuracy by {100 * (distilled.Accuracy - alone.Accuracy):+0.00;-0.00} points.");
