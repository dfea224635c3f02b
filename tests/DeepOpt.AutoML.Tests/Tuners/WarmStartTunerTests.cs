// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tests.Experiment;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

/// <summary>What each tuner makes of an earlier sweep's trials (negative ids, told before the first proposal).</summary>
[TestClass]
public class WarmStartTunerTests
{
    public static IEnumerable<object[]> Tuners =>
    [
        ["random", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new RandomSearchTuner(s, seed))],
        ["grid", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new GridSearchTuner(s, 5, seed))],
        ["cost-frugal", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new CostFrugalTuner(s, seed))],
        ["bayesian", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new BayesianTuner(s, seed))],
    ];

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public async Task SetWarmStart_EveryTuner_AcceptsTheTrialsAndProposesPointsOfTheSpace(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var space = TestObjectives.MixedSpace();
        var earlier = EarlierTrials.Of(new RandomSearchTuner(space, 7), TestObjectives.Mixed, 12);
        earlier[4] = earlier[4] with { State = TrialState.Pruned };
        using var experiment = Experiment(factory(space, 1), space, TestObjectives.Mixed).SetWarmStart(earlier).SetMaxTrials(10);

        await experiment.RunAsync();

        Assert.HasCount(12, experiment.WarmStart!.Trials, name);
        Assert.HasCount(10, experiment.Trials, name);
        foreach (var trial in experiment.Trials)
        {
            var parameter = trial.TrialSettings.Parameter;
            Assert.AreEqual(parameter, space.SampleFromFeatureSpace(space.MappingToFeatureSpace(parameter)), name);
        }
    }

    [TestMethod]
    [DataRow("random")]
    [DataRow("grid")]
    public async Task SetWarmStart_RandomAndGrid_ProposeWhatAColdStartProposes(string name)
    {
        // They learn nothing from results; a warm start must not move their sequence (a grid would skip points).
        var space = TestObjectives.MixedSpace();
        var earlier = EarlierTrials.Of(new RandomSearchTuner(space, 7), TestObjectives.Mixed, 12);
        async Task<string[]> Proposals(bool warm)
        {
            ITuner tuner = name == "grid" ? new GridSearchTuner(space, 5, 2) : new RandomSearchTuner(space, 2);
            using var experiment = Experiment(tuner, space, TestObjectives.Mixed).SetMaxTrials(15);
            if (warm)
            {
                experiment.SetWarmStart(earlier);
            }

            await experiment.RunAsync();
            return experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray();
        }

        CollectionAssert.AreEqual(await Proposals(warm: false), await Proposals(warm: true), name);
    }

    [TestMethod]
    public async Task CostFrugalTuner_WarmStart_StartsFromTheBestEarlierTrial()
    {
        var space = TestObjectives.Hartmann3Space();
        var earlier = EarlierTrials.Of(new RandomSearchTuner(space, 3), TestObjectives.Hartmann3, 20);
        var best = earlier.MinBy(t => t.Loss)!;
        using var experiment = Experiment(new CostFrugalTuner(space, 1), space, TestObjectives.Hartmann3).SetWarmStart(earlier).SetMaxTrials(6);

        await experiment.RunAsync();

        Assert.AreEqual(best.TrialSettings.Parameter, experiment.Trials[0].TrialSettings.Parameter, "the best earlier trial, re-evaluated here");
        Assert.AreNotEqual(space.SampleFromFeatureSpace(space.Default), experiment.Trials[0].TrialSettings.Parameter);
        Assert.IsTrue(experiment.Trials.Skip(1).All(t => t.TrialSettings.Parameter.ToJson() != best.TrialSettings.Parameter.ToJson()));
    }

    [TestMethod]
    public async Task EciTuner_WarmStartOverTwoTrainers_EachTrainersTunerLearnsItsOwnTrials()
    {
        var pipelines = new Dictionary<string, AutoML.SearchSpace.SearchSpace> { ["a"] = TestObjectives.MixedSpace(), ["b"] = TestObjectives.BraninSpace() };
        var space = new AutoML.SearchSpace.SearchSpace(pipelines.Select(kv => KeyValuePair.Create<string, OptionBase>(kv.Key, kv.Value)));
        static double Objective(Parameter p) => p[EciTuner.PipelineKey].AsType<string>() == "a"
            ? TestObjectives.Mixed(p["a"])
            : TestObjectives.Branin(p["b"]) / 10;
        var earlier = EarlierTrials.Of(new EciTuner(pipelines, seed: 5), Objective, 16);
        var eci = new EciTuner(pipelines, seed: 1);
        using var experiment = Experiment(eci, space, Objective).SetWarmStart(earlier).SetMaxTrials(8);

        await experiment.RunAsync();

        Assert.HasCount(16, experiment.WarmStart!.Trials);
        Assert.AreEqual(8, eci.TrialCounts.Values.Sum(), "the choice among trainers counts this sweep's trials only");
        foreach (string name in pipelines.Keys)
        {
            // Each trainer's cost-frugal tuner starts from that trainer's best earlier trial.
            var bestEarlier = earlier.Where(t => Pipeline(t) == name).MinBy(t => t.Loss)!;
            var firstOwn = experiment.Trials.First(t => Pipeline(t) == name);
            Assert.AreEqual(bestEarlier.TrialSettings.Parameter[name], firstOwn.TrialSettings.Parameter[name], name);
        }
    }

    [TestMethod]
    public async Task BayesianTuner_WarmStartOnTheSameSpace_ReachesTheTargetInFewerTrials()
    {
        // Trials to reach a Branin loss of 0.45 (the optimum is 0.398), cold and warm-started from 12 trials of an
        // earlier Bayesian sweep with another seed; counted in trials, never in time.
        const double Target = 0.45;
        const int MaxTrials = 40;
        var cold = new List<double>();
        var warm = new List<double>();
        for (int seed = 0; seed < 5; seed++)
        {
            var earlier = EarlierTrials.Of(new BayesianTuner(TestObjectives.BraninSpace(), seed + 100), TestObjectives.Branin, 12);
            cold.Add(await TrialsToTarget(seed, null, Target, MaxTrials));
            warm.Add(await TrialsToTarget(seed, earlier, Target, MaxTrials));
        }

        string counts = $"cold [{string.Join(", ", cold)}], warm [{string.Join(", ", warm)}]";
        Assert.IsTrue(TestObjectives.Median(warm) < TestObjectives.Median(cold), counts);
        Assert.IsTrue(warm.Sum() < cold.Sum(), counts);
        Assert.IsTrue(warm.All(w => w <= MaxTrials), $"every warm sweep reaches the target: {counts}");
    }

    private static async Task<double> TrialsToTarget(int seed, List<TrialResult>? earlier, double target, int maxTrials)
    {
        var space = TestObjectives.BraninSpace();
        using var reached = new CancellationTokenSource();
        using var experiment = Experiment(new BayesianTuner(space, seed), space, p =>
        {
            double loss = TestObjectives.Branin(p);
            if (loss <= target)
            {
                reached.Cancel();
            }

            return loss;
        }).SetMaxTrials(maxTrials);
        if (earlier != null)
        {
            experiment.SetWarmStart(earlier);
        }

        var best = await experiment.RunAsync(reached.Token);
        return best.Loss <= target ? experiment.Trials.Count : maxTrials + 1;
    }

    private static string Pipeline(TrialResult trial) => trial.TrialSettings.Parameter[EciTuner.PipelineKey].AsType<string>();

    private static TuningExperiment Experiment(ITuner tuner, AutoML.SearchSpace.SearchSpace space, Func<Parameter, double> objective) =>
        new TuningExperiment().SetTuner(tuner).SetSearchSpace(space).SetTrialRunner(new FunctionTrialRunner(objective));
}
