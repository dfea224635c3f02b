// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;

namespace DeepOpt.AutoML.Tests.MultiObjective;

[TestClass]
public class ParetoTests
{
    [TestMethod]
    public void Dominates_NoWorseEverywhereAndBetterSomewhere()
    {
        Assert.IsTrue(Pareto.Dominates([1, 2], [1, 3]));
        Assert.IsFalse(Pareto.Dominates([1, 2], [1, 2]), "equal points do not dominate each other");
        Assert.IsFalse(Pareto.Dominates([1, 4], [2, 3]));
        Assert.IsFalse(Pareto.Dominates([2, 3], [1, 4]));
    }

    [TestMethod]
    public void Ranks_PeelsFrontAfterFront()
    {
        double[][] points = [[1, 5], [2, 2], [5, 1], [3, 3], [6, 6], [2, 2]];
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 1, 2, 0 }, Pareto.Ranks(points));
        Assert.IsEmpty(Pareto.Ranks([]));
    }

    [TestMethod]
    public void Hypervolume_TwoObjectives_MatchesTheUnionOfBoxes()
    {
        // Boxes [1,4]x[2,4] and [2,4]x[1,4]: 6 + 6 - 4 overlap.
        Assert.AreEqual(8.0, Pareto.Hypervolume([[1, 2], [2, 1]], [4, 4]), 1e-12);
        // A dominated point and a point beyond the reference add nothing.
        Assert.AreEqual(8.0, Pareto.Hypervolume([[1, 2], [2, 1], [3, 3], [0, 5]], [4, 4]), 1e-12);
        Assert.AreEqual(0.0, Pareto.Hypervolume([], [4, 4]));
    }

    [TestMethod]
    public void Hypervolume_ThreeObjectives_MatchesInclusionExclusion()
    {
        // Boxes from (0,0,1), (0,1,0), (1,0,0) to (2,2,2): each 4, pairwise overlaps 2, triple overlap 1.
        double[][] points = [[0, 0, 1], [0, 1, 0], [1, 0, 0]];
        Assert.AreEqual((3 * 4) - (3 * 2) + 1, Pareto.Hypervolume(points, [2, 2, 2]), 1e-12);
        Assert.AreEqual(1.0, Pareto.Hypervolume([[0, 0, 0]], [1, 1, 1]), 1e-12);
    }

    [TestMethod]
    public void Hypervolume_MatchesMonteCarloOnRandomPoints()
    {
        var random = new Random(7);
        var points = Enumerable.Range(0, 12).Select(_ => new double[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToArray();
        int inside = 0;
        const int Samples = 200_000;
        for (int s = 0; s < Samples; s++)
        {
            double[] u = [random.NextDouble(), random.NextDouble(), random.NextDouble()];
            inside += points.Any(p => p[0] <= u[0] && p[1] <= u[1] && p[2] <= u[2]) ? 1 : 0;
        }

        Assert.AreEqual((double)inside / Samples, Pareto.Hypervolume(points, [1, 1, 1]), 0.01);
    }

    [TestMethod]
    public void Hypervolume_PointOfAnotherLength_Refused()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => Pareto.Hypervolume([[1, 2, 3]], [4, 4]));
        StringAssert.Contains(error.Message, "3 objectives and the reference point 2");
    }

    [TestMethod]
    public void ParetoFront_KeepsCompletedFeasibleNonDominatedTrials()
    {
        var set = new ObjectiveSet([Objective.Maximize("Accuracy"), Objective.Minimize("Latency")], [Constraint.AtMost("Latency", 5)]);
        var trials = new[]
        {
            Trial(0, 0.9, 4), Trial(1, 0.8, 1), Trial(2, 0.7, 2), // 2 is dominated by 1
            Trial(3, 0.99, 9), // infeasible
            Trial(4, 0.95, 3) with { State = TrialState.Pruned },
            Trial(5, 0.95, 3) with { State = TrialState.Failed, Loss = double.NaN },
            Trial(6, 0.95, 3) with { Metrics = new Dictionary<string, double> { ["Accuracy"] = 0.95 } }, // no latency: infeasible
        };

        CollectionAssert.AreEqual(new[] { 0, 1 }, set.ParetoFront(trials).Select(t => t.TrialSettings.TrialId).ToArray());
        Assert.IsTrue(set.IsFeasible(trials[0]));
        Assert.IsFalse(set.IsFeasible(trials[3]));
        CollectionAssert.AreEqual(new[] { -0.9, 4 }, set.LossesOf(trials[0]));
    }

    internal static TrialResult Trial(int id, double accuracy, double latency) => new()
    {
        TrialSettings = new TrialSettings { TrialId = id },
        Loss = -accuracy,
        Metric = accuracy,
        Metrics = new Dictionary<string, double> { ["Accuracy"] = accuracy, ["Latency"] = latency },
    };
}
