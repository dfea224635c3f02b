// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class LearningRateScheduleTests
{
    private const double Base = 0.1;

    private static double[] Rates(MlpOptions options) =>
        Enumerable.Range(0, options.Epochs).Select(new LearningRateSchedule(options).RateAt).ToArray();

    private static MlpOptions Options(ScheduleKind kind, int epochs = 12) => new() { Schedule = kind, LearningRate = Base, Epochs = epochs };

    private static void AssertRates(double[] expected, double[] actual)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-12, $"epoch {i}");
        }
    }

    [TestMethod]
    public void RateAt_Constant_IsBaseRate() =>
        AssertRates(Enumerable.Repeat(Base, 12).ToArray(), Rates(Options(ScheduleKind.Constant)));

    [TestMethod]
    public void RateAt_Step_MultipliesByGammaEveryStepSize()
    {
        var options = Options(ScheduleKind.Step);
        options.StepSize = 3;
        options.Gamma = 0.5;
        AssertRates(Enumerable.Range(0, 12).Select(e => Base * Math.Pow(0.5, e / 3)).ToArray(), Rates(options));
    }

    [TestMethod]
    public void RateAt_MultiStep_MultipliesAtEachMilestone()
    {
        var options = Options(ScheduleKind.MultiStep);
        options.Milestones = [2, 5, 9];
        options.Gamma = 0.1;
        double[] expected = [Base, Base, Base * 0.1, Base * 0.1, Base * 0.1, Base * 0.01, Base * 0.01, Base * 0.01, Base * 0.01, Base * 0.001, Base * 0.001, Base * 0.001];
        AssertRates(expected, Rates(options));
    }

    [TestMethod]
    public void RateAt_Exponential_IsGammaToTheEpoch()
    {
        var options = Options(ScheduleKind.Exponential);
        options.Gamma = 0.9;
        AssertRates(Enumerable.Range(0, 12).Select(e => Base * Math.Pow(0.9, e)).ToArray(), Rates(options));
    }

    [TestMethod]
    public void RateAt_Cosine_FollowsHalfCosineToMinimum()
    {
        var options = Options(ScheduleKind.CosineAnnealing, epochs: 10);
        options.MinLearningRate = 0.01;
        var expected = Enumerable.Range(0, 10).Select(e => 0.01 + ((Base - 0.01) * (1 + Math.Cos(Math.PI * e / 10)) / 2)).ToArray();
        AssertRates(expected, Rates(options));
    }

    [TestMethod]
    public void RateAt_CosineWithRestarts_RestartsWithGrowingCycles()
    {
        // SGDR with T0 = 2 and T_mult = 2: cycles of 2, 4 and 8 epochs.
        var options = Options(ScheduleKind.CosineAnnealing, epochs: 14);
        options.CosineRestartEpochs = 2;
        options.CosineRestartMultiplier = 2;
        static double Cos(int position, int cycle) => Base * (1 + Math.Cos(Math.PI * position / cycle)) / 2;
        double[] expected = [Cos(0, 2), Cos(1, 2), Cos(0, 4), Cos(1, 4), Cos(2, 4), Cos(3, 4), Cos(0, 8), Cos(1, 8), Cos(2, 8), Cos(3, 8), Cos(4, 8), Cos(5, 8), Cos(6, 8), Cos(7, 8)];
        AssertRates(expected, Rates(options));
    }

    [TestMethod]
    public void RateAt_LinearDecay_FallsLinearlyToEndFactor()
    {
        var options = Options(ScheduleKind.LinearDecay, epochs: 10);
        options.LinearEndFactor = 0.2;
        AssertRates(Enumerable.Range(0, 10).Select(e => Base * (1 - (0.8 * e / 10))).ToArray(), Rates(options));
    }

    [TestMethod]
    public void RateAt_PiecewiseConstant_UsesTheRateOfEachPiece()
    {
        var options = Options(ScheduleKind.PiecewiseConstant, epochs: 6);
        options.PiecewiseBoundaries = [2, 4];
        options.PiecewiseLearningRates = [0.3, 0.2, 0.1];
        AssertRates([0.3, 0.3, 0.2, 0.2, 0.1, 0.1], Rates(options));
    }

    [TestMethod]
    public void RateAt_WarmupBeforeStep_RisesLinearlyThenSchedulesFromWarmupEnd()
    {
        var options = Options(ScheduleKind.Step, epochs: 8);
        options.WarmupEpochs = 4;
        options.WarmupStartFactor = 0.2;
        options.StepSize = 2;
        options.Gamma = 0.5;
        double[] expected = [Base * 0.2, Base * 0.4, Base * 0.6, Base * 0.8, Base, Base, Base * 0.5, Base * 0.5];
        AssertRates(expected, Rates(options));
    }

    [TestMethod]
    public void EndEpoch_ReduceOnPlateau_ReducesAfterPatienceAndRestsForCooldown()
    {
        var options = Options(ScheduleKind.ReduceOnPlateau);
        options.PlateauPatience = 1;
        options.PlateauCooldown = 1;
        options.PlateauFactor = 0.5;
        options.MinLearningRate = 0.02;
        var schedule = new LearningRateSchedule(options);
        double[] losses = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
        var rates = new List<double>();
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            rates.Add(schedule.RateAt(epoch));
            schedule.EndEpoch(epoch, losses[epoch]);
        }

        // Bad epochs at 2 and 3 (more than patience 1) reduce after epoch 3; cooldown skips epoch 4; epochs 5 and 6
        // reduce after 6; epoch 7 rests; after 9 the rate would fall below the minimum and stops there.
        double[] expected = [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025];
        AssertRates(expected, rates.ToArray());
        Assert.AreEqual(0.02, schedule.RateAt(10), 1e-12);
    }
}
