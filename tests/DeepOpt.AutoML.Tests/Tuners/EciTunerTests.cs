// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

[TestClass]
public class EciTunerTests
{
    private static Dictionary<string, AutoML.SearchSpace.SearchSpace> Pipelines() => new()
    {
        ["good"] = new AutoML.SearchSpace.SearchSpace { ["x"] = new UniformDoubleOption(0, 1) },
        ["bad"] = new AutoML.SearchSpace.SearchSpace { ["y"] = new UniformDoubleOption(0, 1) },
        ["slow"] = new AutoML.SearchSpace.SearchSpace { ["z"] = new UniformDoubleOption(0, 1) },
    };

    private static TrialResult Evaluate(TrialSettings settings)
    {
        string name = settings.Parameter[EciTuner.PipelineKey].AsType<string>();
        var p = settings.Parameter[name];
        (double loss, double cost) = name switch
        {
            "good" => (Math.Pow(p["x"].AsType<double>() - 0.3, 2), 1.0),
            "bad" => (5 + p["y"].AsType<double>(), 1.0),
            _ => (Math.Pow(p["z"].AsType<double>() - 0.3, 2), 50.0),
        };
        return new TrialResult { TrialSettings = settings, Loss = loss, Metric = loss, DurationInMilliseconds = cost };
    }

    [TestMethod]
    public void Propose_ManyTrials_SpendsMostOnCheapImprovingPipeline()
    {
        var tuner = new EciTuner(Pipelines(), seed: 1);
        for (int t = 0; t < 60; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            tuner.Update(Evaluate(settings));
        }

        var counts = tuner.TrialCounts;
        Assert.IsTrue(counts.Values.All(c => c >= 1), "every pipeline is tried");
        Assert.IsTrue(counts["good"] > counts["bad"] && counts["good"] > counts["slow"], string.Join(", ", counts));
        Assert.IsTrue(counts["good"] >= 40, string.Join(", ", counts));
    }

    [TestMethod]
    public void Update_ZeroDuration_IsNotAFailure()
    {
        var pipelines = new Dictionary<string, AutoML.SearchSpace.SearchSpace>
        {
            ["a"] = new AutoML.SearchSpace.SearchSpace { ["x"] = new UniformDoubleOption(0, 1) },
        };
        var tuner = new EciTuner(pipelines, (s, seed) => new CostFrugalTuner(s, seed), seed: 0);
        var settings = new TrialSettings { TrialId = 0 };
        settings.Parameter = tuner.Propose(settings);
        tuner.Update(new TrialResult { TrialSettings = settings, Loss = 0.5, DurationInMilliseconds = 0 });
        var next = new TrialSettings { TrialId = 1 };
        next.Parameter = tuner.Propose(next);
        Assert.AreEqual("a", next.Parameter[EciTuner.PipelineKey].AsType<string>());
        Assert.AreEqual(1, tuner.TrialCounts["a"]);
    }
}
