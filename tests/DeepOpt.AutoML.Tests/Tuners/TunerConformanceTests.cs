// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

/// <summary>The behaviour every tuner shares, checked for each one.</summary>
[TestClass]
public class TunerConformanceTests
{
    public static IEnumerable<object[]> Tuners =>
    [
        ["random", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new RandomSearchTuner(s, seed))],
        ["grid", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new GridSearchTuner(s, 5, seed))],
        ["cost-frugal", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new CostFrugalTuner(s, seed))],
        ["bayesian", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new BayesianTuner(s, seed))],
        ["eci", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new SinglePipeline(s, seed))],
        ["multi-objective bayesian", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new MultiObjectiveBayesianTuner(s, TestObjectives.LossOnly, seed))],
        ["nsga", (Func<AutoML.SearchSpace.SearchSpace, int, ITuner>)((s, seed) => new NsgaTuner(s, TestObjectives.LossOnly, seed))],
    ];


    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public async Task RunAsync_SmallFiniteSpace_NeverRepeatsAPointUntilEveryOneRan(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var space = new AutoML.SearchSpace.SearchSpace
        {
            ["units"] = new UniformIntOption(1, 4),
            ["optimizer"] = new ChoiceOption("sgd", "adam", "rmsprop"),
        };
        using var experiment = new TuningExperiment()
            .SetTuner(factory(space, 3))
            .SetTrialRunner(new FunctionTrialRunner(p => Math.Abs(p["units"].AsType<int>() - 3) + (p["optimizer"].AsType<string>() == "adam" ? 0 : 1)))
            .SetSearchSpace(space)
            .SetMaxTrials(20);

        await experiment.RunAsync();

        var configurations = experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToList();
        Assert.HasCount(12, configurations, name);
        Assert.HasCount(12, configurations.Distinct(), name);
        StringAssert.Contains(experiment.StopReason, "All 12 configurations", name);
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Propose_SameSeed_SameSequence(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var first = TestObjectives.Run(factory(TestObjectives.MixedSpace(), 42), TestObjectives.Mixed, 30).Proposals;
        var second = TestObjectives.Run(factory(TestObjectives.MixedSpace(), 42), TestObjectives.Mixed, 30).Proposals;
        CollectionAssert.AreEqual(first.Select(p => p.ToJson()).ToArray(), second.Select(p => p.ToJson()).ToArray(), name);
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Propose_DifferentSeeds_DifferentSequences(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var first = TestObjectives.Run(factory(TestObjectives.BraninSpace(), 1), TestObjectives.Branin, 20).Proposals;
        var second = TestObjectives.Run(factory(TestObjectives.BraninSpace(), 2), TestObjectives.Branin, 20).Proposals;
        CollectionAssert.AreNotEqual(first.Select(p => p.ToJson()).ToArray(), second.Select(p => p.ToJson()).ToArray(), name);
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Propose_Always_WithinSearchSpace(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var space = TestObjectives.MixedSpace();
        foreach (var proposal in TestObjectives.Run(factory(space, 5), TestObjectives.Mixed, 40).Proposals)
        {
            var feature = space.MappingToFeatureSpace(proposal);
            Assert.IsTrue(feature.All(v => v >= 0 && v <= 1), name);
            Assert.AreEqual(proposal, space.SampleFromFeatureSpace(feature), name);
            int units = proposal["units"].AsType<int>();
            Assert.IsTrue(units >= 1 && units <= 6, name);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Update_FailedTrials_TunerKeepsProposing(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var tuner = factory(TestObjectives.BraninSpace(), 3);
        int completed = 0;
        for (int t = 0; t < 30; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            bool fail = t % 3 == 1;
            double loss = fail ? double.NaN : TestObjectives.Branin(settings.Parameter);
            tuner.Update(new TrialResult
            {
                TrialSettings = settings,
                Loss = loss,
                State = fail ? TrialState.Failed : TrialState.Completed,
            });
            completed += fail ? 0 : 1;
        }

        Assert.AreEqual(20, completed, name);
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Update_CanceledTrial_ItsLossIsNeverRead(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        // Two runs that differ only in the loss a canceled trial carries (NaN, or a value better than any real one)
        // must propose the same points: the run stopped that trial, its configuration taught nothing.
        static List<string> Proposals(ITuner tuner, double canceledLoss)
        {
            var proposals = new List<string>();
            for (int t = 0; t < 25; t++)
            {
                var settings = new TrialSettings { TrialId = t };
                settings.Parameter = tuner.Propose(settings);
                proposals.Add(settings.Parameter.ToJson());
                bool canceled = t % 6 == 2;
                double loss = canceled ? canceledLoss : TestObjectives.Branin(settings.Parameter);
                tuner.Update(new TrialResult
                {
                    TrialSettings = settings,
                    Loss = loss,
                    Metric = loss,
                    State = canceled ? TrialState.Canceled : TrialState.Completed,
                });
            }

            return proposals;
        }

        var space = TestObjectives.BraninSpace();
        CollectionAssert.AreEqual(Proposals(factory(space, 4), double.NaN), Proposals(factory(space, 4), -1000), name);
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Update_ReplayedResults_ResumesWithValidProposals(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        // Results of an earlier run, told to a fresh tuner that never proposed them (trial ids it has not seen).
        var space = TestObjectives.MixedSpace();
        var earlier = TestObjectives.Run(factory(space, 8), TestObjectives.Mixed, 15).Proposals;
        var tuner = factory(space, 9);
        for (int t = 0; t < earlier.Count; t++)
        {
            double loss = TestObjectives.Mixed(earlier[t]);
            tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = t, Parameter = earlier[t] }, Loss = loss, Metric = loss });
        }

        for (int t = earlier.Count; t < earlier.Count + 10; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            Assert.AreEqual(settings.Parameter, space.SampleFromFeatureSpace(space.MappingToFeatureSpace(settings.Parameter)), name);
            double loss = TestObjectives.Mixed(settings.Parameter);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = loss });
        }
    }

    [TestMethod]
    public void BayesianTuner_ReplayedResults_SkipsInitialDesign()
    {
        var space = TestObjectives.BraninSpace();
        var earlier = TestObjectives.Run(new RandomSearchTuner(space, 1), TestObjectives.Branin, 20).Proposals;
        var tuner = new BayesianTuner(space, 2);
        for (int t = 0; t < earlier.Count; t++)
        {
            double loss = TestObjectives.Branin(earlier[t]);
            tuner.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = t, Parameter = earlier[t] }, Loss = loss });
        }

        var proposals = TestObjectives.Run(tuner, TestObjectives.Branin, 5).Best;
        double replayedBest = earlier.Min(TestObjectives.Branin);
        Assert.IsTrue(proposals[^1] < replayedBest, $"5 model-based trials after the replay should improve on {replayedBest}, got {proposals[^1]}");
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void Propose_EmptySpace_ReturnsEmptyParameter(string name, Func<AutoML.SearchSpace.SearchSpace, int, ITuner> factory)
    {
        var proposals = TestObjectives.Run(factory(new AutoML.SearchSpace.SearchSpace(), 0), _ => 1.0, 8).Proposals;
        Assert.IsTrue(proposals.All(p => p.Count == 0), name);
    }

    /// <summary>ECI over two pipelines, seen through the first one's keys so the shared checks apply.</summary>
    private sealed class SinglePipeline(AutoML.SearchSpace.SearchSpace space, int seed) : ITuner
    {
        private readonly EciTuner _eci = new(
            new Dictionary<string, AutoML.SearchSpace.SearchSpace> { ["a"] = space, ["b"] = space },
            (s, innerSeed) => new CostFrugalTuner(s, innerSeed),
            seed);

        private readonly Dictionary<int, string> _names = [];

        public Parameter Propose(TrialSettings settings)
        {
            var proposal = _eci.Propose(settings);
            string name = proposal[EciTuner.PipelineKey].AsType<string>();
            _names[settings.TrialId] = name;
            return proposal[name];
        }

        public void Update(TrialResult result)
        {
            // A replayed result this adapter never proposed belongs to pipeline "a".
            string name = _names.GetValueOrDefault(result.TrialSettings.TrialId, "a");
            var wrapped = Parameter.CreateNestedParameter();
            wrapped[EciTuner.PipelineKey] = Parameter.FromString(name);
            wrapped[name] = result.TrialSettings.Parameter;

            // A copy: the result is the experiment's record of the trial, which a tuner must not change.
            _eci.Update(new TrialResult
            {
                TrialSettings = new TrialSettings { TrialId = result.TrialSettings.TrialId, Parameter = wrapped },
                Loss = result.Loss,
                Metric = result.Metric,
                State = result.State,
                DurationInMilliseconds = result.DurationInMilliseconds,
                ErrorMessage = result.ErrorMessage,
            });
        }
    }
}
