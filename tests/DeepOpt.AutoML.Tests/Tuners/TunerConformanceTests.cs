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
    ];

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
            string name = _names[result.TrialSettings.TrialId];
            var wrapped = Parameter.CreateNestedParameter();
            wrapped[EciTuner.PipelineKey] = Parameter.FromString(name);
            wrapped[name] = result.TrialSettings.Parameter;
            result.TrialSettings.Parameter = wrapped;
            _eci.Update(result);
        }
    }
}
