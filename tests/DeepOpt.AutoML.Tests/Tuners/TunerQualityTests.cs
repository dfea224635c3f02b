// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

[TestClass]
public class TunerQualityTests
{
    private const int Seeds = 9;

    private static double MedianBestAt50(Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory) =>
        TestObjectives.Median(Enumerable.Range(0, Seeds)
            .Select(seed => TestObjectives.Run(factory(TestObjectives.BraninSpace(), seed), TestObjectives.Branin, 50).Best[49]));

    [TestMethod]
    public void BayesianTuner_Branin50Trials_BeatsRandomSearch()
    {
        double random = MedianBestAt50((s, seed) => new RandomSearchTuner(s, seed));
        double bayes = MedianBestAt50((s, seed) => new BayesianTuner(s, seed));
        Assert.IsTrue(bayes < random, $"bayesian {bayes} vs random {random}");
        Assert.IsTrue(bayes < 0.45, $"bayesian {bayes} should be near the optimum 0.397887");
    }

    [TestMethod]
    public void BayesianTuner_StartAtDefault_ProposesTheInitValuesFirstThenTheSameDesign()
    {
        var space = TestObjectives.BraninSpace();
        var plain = TestObjectives.Run(new BayesianTuner(space, 4), TestObjectives.Branin, 6).Proposals;
        var fromDefault = TestObjectives.Run(new BayesianTuner(space, 4, startAtDefault: true), TestObjectives.Branin, 6).Proposals;
        static bool Near(double[] a, double[] b) => a.Zip(b).All(p => Math.Abs(p.First - p.Second) < 1e-9);
        Assert.IsTrue(Near(space.Default, space.MappingToFeatureSpace(fromDefault[0])), "the first trial is the default point");
        Assert.IsFalse(Near(space.Default, space.MappingToFeatureSpace(plain[0])), "without the flag the design starts elsewhere");
        for (int i = 1; i < 5; i++)
        {
            Assert.IsTrue(Near(space.MappingToFeatureSpace(plain[i]), space.MappingToFeatureSpace(fromDefault[i])), $"design point {i}");
        }
    }

    [TestMethod]
    public void CostFrugalTuner_Branin50Trials_BeatsRandomSearch()
    {
        double random = MedianBestAt50((s, seed) => new RandomSearchTuner(s, seed));
        double cfo = MedianBestAt50((s, seed) => new CostFrugalTuner(s, seed));
        Assert.IsTrue(cfo < random, $"cost-frugal {cfo} vs random {random}");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void CostFrugalTuner_Hartmann3WithoutInitValues100Trials_LeavesTheLocalMinimumNearTheCorner(int seed)
    {
        // From the all-minimum corner the search used to settle on the local minimum of -1.001 and never restart.
        var tuner = new CostFrugalTuner(TestObjectives.Hartmann3Space(), seed);
        var best = TestObjectives.Run(tuner, TestObjectives.Hartmann3, 100).Best;
        Assert.IsTrue(best[^1] < -3.0, $"seed {seed}: best {best[^1]:F3} after {tuner.Restarts} restarts");
        Assert.IsTrue(tuner.Restarts >= 1);
        Assert.AreEqual(best[^1], tuner.BestLoss, "the best is kept over restarts");
    }

    [TestMethod]
    public void CostFrugalTuner_FlatObjective_RestartsWhenTheStepCollapses()
    {
        // Every trial ties: the thread stalls after StallHalvings halvings of 2d proposals each, then restarts.
        var tuner = new CostFrugalTuner(TestObjectives.Hartmann3Space(), 4);
        TestObjectives.Run(tuner, _ => 1.0, 100);
        int perThread = 1 + (Flow2.StallHalvings * 2 * 3);
        Assert.AreEqual(100 / perThread, tuner.Restarts, "one restart per stalled thread");
    }

    [TestMethod]
    public void CostFrugalTuner_ReplayedResults_ContinuesTheUninterruptedSequence()
    {
        var space = TestObjectives.MixedSpace();
        var uninterrupted = TestObjectives.Run(new CostFrugalTuner(space, 7), TestObjectives.Mixed, 12).Proposals;

        // A resumed sweep: a new tuner hears the first 6 results (trials it never proposed), then proposes the rest.
        var resumed = new CostFrugalTuner(space, 7);
        for (int t = 0; t < 6; t++)
        {
            var settings = new TrialSettings { TrialId = t, Parameter = uninterrupted[t] };
            double loss = TestObjectives.Mixed(uninterrupted[t]);
            resumed.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = loss, State = TrialState.Completed });
        }

        for (int t = 6; t < 12; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = resumed.Propose(settings);
            Assert.AreEqual(uninterrupted[t].ToJson(), settings.Parameter.ToJson(), $"trial {t}");
            double loss = TestObjectives.Mixed(settings.Parameter);
            resumed.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = loss, State = TrialState.Completed });
        }
    }

    [TestMethod]
    public void CostFrugalTuner_LstmDefaultSpace8Trials_LeavesTheCheapEpochs()
    {
        // A real 8-trial LSTM sweep used to stay at its init epochs: the steps were too short to move an integer
        // coordinate. Here more epochs always help, so a step that adds epochs is kept. Over 40 seeds the old
        // search reached 5.8 epochs on average and 3 seeds tried other epochs fewer than 3 times; now 9.1 and 1.
        // The default space now starts at 8 epochs; a cheap start of 2 keeps this the case the fix was for.
        var space = new SearchSpace<LstmSearchSpace> { ["Epochs"] = new UniformIntOption(1, 15, defaultValue: 2) };
        var epochs = Enumerable.Range(0, 40)
            .Select(seed => TestObjectives.Run(new CostFrugalTuner(space, seed), p => 1.0 / p.AsType<LstmSearchSpace>().Epochs, 8)
                .Proposals.Select(p => p.AsType<LstmSearchSpace>().Epochs).ToArray())
            .ToList();
        Assert.IsTrue(epochs.All(e => e[0] == 2), "each sweep starts at the cheap init point");
        double meanReached = epochs.Average(e => e.Max());
        int stuck = epochs.Count(e => e.Count(x => x != e[0]) < 3);
        Assert.IsTrue(meanReached >= 8, $"mean epochs reached {meanReached}");
        Assert.IsTrue(stuck <= 2, $"{stuck} of 40 sweeps tried other epochs fewer than 3 times");
    }

    [TestMethod]
    public void CostFrugalTuner_FirstProposal_IsDefaultPoint()
    {
        var space = SearchSpace.SearchSpaceTests.CreateNested();
        var tuner = new CostFrugalTuner(space, 0);
        Assert.AreEqual(space.SampleFromFeatureSpace(space.Default), tuner.Propose(new TrialSettings()));
    }

    [TestMethod]
    public void CostFrugalTuner_Converged_RestartsAwayFromInitPoint()
    {
        var space = new AutoML.SearchSpace.SearchSpace { ["x"] = new UniformDoubleOption(0, 1, defaultValue: 0.5) };
        var tuner = new CostFrugalTuner(space, 1);
        var init = space.SampleFromFeatureSpace(space.Default);
        var proposals = TestObjectives.Run(tuner, _ => 1.0, 200).Proposals;
        Assert.IsTrue(tuner.Restarts >= 1, "a flat objective makes the local search converge");
        Assert.AreEqual(1, proposals.Count(p => p.Equals(init)), "only the first trial is the init point");
    }

    [TestMethod]
    public void CostFrugalTuner_ChoiceOnly_VisitsEveryCandidate()
    {
        var space = new AutoML.SearchSpace.SearchSpace { ["c"] = new ChoiceOption("a", "b", "c", "d") };
        var seen = TestObjectives.Run(new CostFrugalTuner(space, 2), p => 1.0, 20).Proposals
            .Select(p => p["c"].AsType<string>()).Distinct().Count();
        Assert.AreEqual(4, seen);
    }

    [TestMethod]
    public void GridSearchTuner_OnePass_VisitsEveryPointOnceWithBounds()
    {
        var space = new AutoML.SearchSpace.SearchSpace
        {
            ["x"] = new UniformDoubleOption(-1, 1),
            ["n"] = new UniformIntOption(1, 3),
            ["c"] = new ChoiceOption("a", "b"),
        };
        var tuner = new GridSearchTuner(space, steps: 3, seed: 4);
        Assert.AreEqual(18, tuner.GridSize);
        var proposals = TestObjectives.Run(tuner, _ => 0, 18).Proposals.Select(p => p.ToJson()).ToList();
        Assert.AreEqual(18, proposals.Distinct().Count());
        var xs = proposals.Select(j => Parameter.FromJson(j)["x"].AsType<double>()).Distinct().OrderBy(v => v).ToArray();
        CollectionAssert.AreEqual(new[] { -1.0, 0.0, 1.0 }, xs);
        var ns = proposals.Select(j => Parameter.FromJson(j)["n"].AsType<int>()).Distinct().OrderBy(v => v).ToArray();
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, ns);
    }

    [TestMethod]
    public void GridSearchTuner_GridBeyondLongRange_ThrowsWithFix()
    {
        var space = new AutoML.SearchSpace.SearchSpace();
        for (int i = 0; i < 30; i++)
        {
            space[$"x{i:D2}"] = new UniformDoubleOption(0, 1);
        }

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GridSearchTuner(space, steps: 10));
        StringAssert.Contains(error.Message, "random search");
    }

    [TestMethod]
    public void BayesianTuner_DiscreteSpace_NeverReproposesFinishedOrFailedTrials()
    {
        var space = new AutoML.SearchSpace.SearchSpace
        {
            ["n"] = new UniformIntOption(0, 4),
            ["c"] = new ChoiceOption("a", "b", "c", "d"),
        };
        var tuner = new BayesianTuner(space, 3);
        var seen = new HashSet<string>();
        for (int t = 0; t < 20; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            Assert.IsTrue(seen.Add(settings.Parameter.ToJson()), $"trial {t} repeated {settings.Parameter.ToJson()}");
            bool fail = settings.Parameter["c"].AsType<string>() == "b";
            double loss = fail ? double.NaN : Math.Abs(settings.Parameter["n"].AsType<int>() - 2);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, State = fail ? TrialState.Failed : TrialState.Completed });
        }
    }
}
