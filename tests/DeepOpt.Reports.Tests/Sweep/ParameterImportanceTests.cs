// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Reports.Sweep;
using DeepOpt.Reports.Tests.Support;

namespace DeepOpt.Reports.Tests.Sweep;

[TestClass]
public class ParameterImportanceTests
{
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    [DataRow(5)]
    public void Compute_OnALossDrivenByTheLearningRate_RanksItFirstAndNoiseLow(int seed)
    {
        var importance = ParameterImportance.Compute(SyntheticSweep.Trials(40, seed), seed);

        var names = importance.Select(e => e.Name).ToList();
        Assert.AreEqual("LearningRate", names[0], string.Join(", ", importance));
        var noise = importance.Single(e => e.Name == "Noise").Importance;
        Assert.IsTrue(importance[0].Importance > 0.7 && noise < 0.1, string.Join(", ", importance));
        Assert.AreEqual(1.0, importance.Sum(e => e.Importance), 1e-9);
        CollectionAssert.IsSubsetOf(new[] { "Network.Hidden[0]", "Optimizer" }, names, "nested, array and string parameters count too");
    }

    [TestMethod]
    public void Compute_WithTheSameSeed_IsReproducible()
    {
        var trials = SyntheticSweep.Trials();

        CollectionAssert.AreEqual(ParameterImportance.Compute(trials, 5).ToList(), ParameterImportance.Compute(trials, 5).ToList());
    }

    [TestMethod]
    public void Compute_WithFewerThanThreeCompletedTrials_IsEmpty()
    {
        var trials = SyntheticSweep.Trials(3);

        Assert.AreEqual(0, ParameterImportance.Compute(trials.Take(2)).Count);
        Assert.AreEqual(0, ParameterImportance.Compute(trials.Select(t => t with { State = TrialState.Failed })).Count);
    }
}
