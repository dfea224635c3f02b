// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class TaskLossTests
{
    private static readonly float[] s_targets = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2];

    [TestMethod]
    public void ClassWeights_Balanced_AreRowsOverClassesTimesCount()
    {
        var weights = TaskLoss.ClassWeights(new MlpOptions { BalanceClassWeights = true }, PredictionKind.MulticlassClassification, 3, s_targets);
        CollectionAssert.AreEqual(new[] { 12f / (3 * 6), 12f / (3 * 2), 12f / (3 * 4) }, weights);
    }

    [TestMethod]
    public void Compute_BalancedCrossEntropy_IsTheWeightedMeanOfRowLosses()
    {
        using var scope = torch.NewDisposeScope();
        var options = new MlpOptions { BalanceClassWeights = true };
        using var weighted = new TaskLoss(options, PredictionKind.MulticlassClassification, 3, s_targets, CPU);
        using var plain = new TaskLoss(new MlpOptions(), PredictionKind.MulticlassClassification, 3, s_targets, CPU);
        var logits = torch.tensor(Enumerable.Range(0, 36).Select(i => (float)Math.Sin(i)).ToArray(), new long[] { 12, 3 });
        var target = torch.tensor(s_targets.Select(t => (long)t).ToArray());
        var weights = TaskLoss.ClassWeights(options, PredictionKind.MulticlassClassification, 3, s_targets)!;
        var logProbabilities = logits.log_softmax(1).data<float>().ToArray();
        double numerator = 0;
        double denominator = 0;
        for (int row = 0; row < 12; row++)
        {
            int label = (int)s_targets[row];
            numerator += -weights[label] * logProbabilities[(row * 3) + label];
            denominator += weights[label];
        }

        double expected = numerator / denominator;
        Assert.AreEqual(expected, weighted.Compute(logits, target).item<float>(), 1e-5);
        Assert.AreNotEqual(expected, plain.Compute(logits, target).item<float>(), 1e-3, "balancing changes the loss on imbalanced data");
    }

    [TestMethod]
    public void Compute_WeightedBinaryCrossEntropy_IsTheWeightedMeanOfRowLosses()
    {
        using var scope = torch.NewDisposeScope();
        float[] targets = [0, 0, 0, 1];
        using var loss = new TaskLoss(new MlpOptions { ClassWeights = [1, 3] }, PredictionKind.BinaryClassification, 2, targets, CPU);
        float[] logits = [0.5f, -1f, 2f, 0.25f];
        static double Bce(double z, double y) => -((y * Math.Log(1 / (1 + Math.Exp(-z)))) + ((1 - y) * Math.Log(1 - (1 / (1 + Math.Exp(-z))))));
        double expected = ((Bce(0.5, 0) + Bce(-1, 0) + Bce(2, 0)) + (3 * Bce(0.25, 1))) / 6;
        var actual = loss.Compute(torch.tensor(logits, new long[] { 4, 1 }), torch.tensor(targets)).item<float>();
        Assert.AreEqual(expected, actual, 1e-5);
    }

    [TestMethod]
    public void Compute_LabelSmoothing_MatchesSmoothedTargets()
    {
        using var scope = torch.NewDisposeScope();
        using var loss = new TaskLoss(new MlpOptions { LabelSmoothing = 0.3 }, PredictionKind.MulticlassClassification, 3, s_targets, CPU);
        var logits = torch.tensor(new float[] { 2f, 0f, -1f }, new long[] { 1, 3 });
        var logProbabilities = logits.log_softmax(1).data<float>().ToArray();
        // Target 0 smoothed: 1 - 0.3 + 0.3 / 3 for the true class, 0.3 / 3 for the others.
        double expected = -((0.8 * logProbabilities[0]) + (0.1 * logProbabilities[1]) + (0.1 * logProbabilities[2]));
        Assert.AreEqual(expected, loss.Compute(logits, torch.tensor(new long[] { 0 })).item<float>(), 1e-5);
    }

    [TestMethod]
    public void Compute_Huber_IsQuadraticInsideDeltaAndLinearOutside()
    {
        using var scope = torch.NewDisposeScope();
        using var loss = new TaskLoss(new MlpOptions { Loss = LossKind.Huber, HuberDelta = 1 }, PredictionKind.Regression, 0, [0f], CPU);
        var actual = loss.Compute(torch.tensor(new float[] { 0.5f, 3f }, new long[] { 2, 1 }), torch.tensor(new float[] { 0f, 0f })).item<float>();
        Assert.AreEqual(((0.5 * 0.25) + (3 - 0.5)) / 2, actual, 1e-6);
    }

    [TestMethod]
    public void Resolve_LossThatDoesNotFitTheTask_ThrowsWithTheFix()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TaskLoss.Resolve(LossKind.MeanSquaredError, PredictionKind.MulticlassClassification));
        Assert.AreEqual("Loss", error.ParamName);
        StringAssert.Contains(error.Message, "Use CrossEntropy");
    }
}
