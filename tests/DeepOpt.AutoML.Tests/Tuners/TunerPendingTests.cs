// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

/// <summary>Workers with the same tuner and seed on one sweep: each hears of the others' running trials
/// (<see cref="ITuner.ReportPending"/>) and results, and they must not propose the same point.</summary>
[TestClass]
public class TunerPendingTests
{
    public static IEnumerable<object[]> Tuners =>
    [
        ["random", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new RandomSearchTuner(s, 7))],
        ["grid", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new GridSearchTuner(s, 6, 7))],
        ["cost-frugal", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new CostFrugalTuner(s, 7))],
        ["bayesian", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new BayesianTuner(s, 7))],
        ["eci", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new EciTuner(
            new Dictionary<string, AutoML.SearchSpace.SearchSpace> { ["a"] = s, ["b"] = s }, 7))],
        ["multi-objective bayesian", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new MultiObjectiveBayesianTuner(s, TestObjectives.LossOnly, 7))],
        ["nsga", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new NsgaTuner(s, TestObjectives.LossOnly, 7, populationSize: 4))],
    ];


    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void ReportPending_ThreeWorkersSameSeed_NeverProposeARunningPoint(string name, Func<AutoML.SearchSpace.SearchSpace, ITuner> factory)
    {
        var space = TestObjectives.BraninSpace();
        var workers = Enumerable.Range(0, 3).Select(_ => factory(space)).ToArray();
        var running = new List<(int Worker, TrialSettings Settings)>();
        var proposals = new List<string>();
        for (int trialId = 0; trialId < 24; trialId++)
        {
            // Workers take turns; the oldest running trial finishes before each proposal once three are running.
            int me = trialId % workers.Length;
            if (running.Count == workers.Length)
            {
                var (owner, done) = running[0];
                running.RemoveAt(0);
                var result = new TrialResult { TrialSettings = done, Loss = Loss(done.Parameter), Metric = 0 };
                for (int w = 0; w < workers.Length; w++)
                {
                    workers[w].Update(Copy(result));
                }
            }

            var settings = new TrialSettings { TrialId = trialId };
            settings.Parameter = workers[me].Propose(settings);
            string json = settings.Parameter.ToJson();
            Assert.IsFalse(running.Any(r => r.Settings.Parameter.ToJson() == json), $"{name}: trial {trialId} repeats a running point {json}");
            proposals.Add(json);
            for (int w = 0; w < workers.Length; w++)
            {
                if (w != me)
                {
                    workers[w].ReportPending(new TrialSettings { TrialId = trialId, Parameter = settings.Parameter });
                }
            }

            running.Add((me, settings));
        }

        // Sequence and model-based tuners never repeat a finished point either; a local search may step back onto one
        // (a move clamped into a corner of the cube), as it does when it runs alone.
        if (name is "random" or "grid" or "bayesian")
        {
            Assert.AreEqual(proposals.Count, proposals.Distinct().Count(), $"{name}: {string.Join(" ", proposals)}");
        }
    }

    [TestMethod]
    public void ReportPending_RandomWorkers_ProposeTheSingleRunSequence()
    {
        var space = TestObjectives.BraninSpace();
        var single = TestObjectives.Run(new RandomSearchTuner(space, 4), TestObjectives.Branin, 6).Proposals.Select(p => p.ToJson());
        var a = new RandomSearchTuner(space, 4);
        var b = new RandomSearchTuner(space, 4);
        var shared = new List<string>();
        for (int id = 0; id < 6; id++)
        {
            var (me, other) = id % 2 == 0 ? (a, b) : (b, a);
            var settings = new TrialSettings { TrialId = id };
            settings.Parameter = me.Propose(settings);
            other.ReportPending(settings);
            shared.Add(settings.Parameter.ToJson());
        }

        CollectionAssert.AreEqual(single.ToArray(), shared.ToArray());
    }

    private static double Loss(Parameter parameter) =>
        parameter.ContainsKey(EciTuner.PipelineKey) ? TestObjectives.Branin(parameter[parameter[EciTuner.PipelineKey].AsType<string>()]) : TestObjectives.Branin(parameter);

    private static TrialResult Copy(TrialResult result) => new()
    {
        TrialSettings = new TrialSettings { TrialId = result.TrialSettings.TrialId, Parameter = Parameter.FromJson(result.TrialSettings.Parameter.ToJson()) },
        Loss = result.Loss,
        Metric = result.Metric,
    };
}
