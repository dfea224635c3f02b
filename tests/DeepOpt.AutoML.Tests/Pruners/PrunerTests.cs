// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;

namespace DeepOpt.AutoML.Tests.Pruners;

[TestClass]
public class PrunerTests
{
    /// <summary>A trial with the given losses at steps 1, 2, ….</summary>
    internal static TrialResult Trial(int id, TrialState state, params double[] losses) => new()
    {
        TrialSettings = new TrialSettings { TrialId = id },
        State = state,
        Loss = losses.Length > 0 ? losses[^1] : double.NaN,
        IntermediateValues = losses.Select((l, i) => new IntermediateValue(i + 1, l, -l)).ToList(),
    };

    private static List<TrialResult> Completed(int count) =>
        Enumerable.Range(0, count).Select(i => Trial(i, TrialState.Completed, 1.0 + i, 0.5 + i, 0.2 + i)).ToList();

    [TestMethod]
    public void Median_WorseThanMedianAtStep_Pruned_BetterKept()
    {
        var pruner = new MedianPruner(startupTrials: 5);
        var others = Completed(5); // step 2 values 0.5, 1.5, 2.5, 3.5, 4.5: median 2.5

        Assert.IsTrue(pruner.ShouldPrune(Trial(9, TrialState.Running, 3.0, 2.6), others));
        Assert.IsFalse(pruner.ShouldPrune(Trial(9, TrialState.Running, 3.0, 2.4), others));
        // The best value so far counts, not only the latest.
        Assert.IsFalse(pruner.ShouldPrune(Trial(9, TrialState.Running, 0.1, 0.2, 9.0), others));
    }

    [TestMethod]
    public void Median_BeforeStartupTrialsOrInWarmup_NeverPrunes()
    {
        var awful = Trial(9, TrialState.Running, 100, 100);

        Assert.IsFalse(new MedianPruner(startupTrials: 6).ShouldPrune(awful, Completed(5)));
        Assert.IsFalse(new MedianPruner(startupTrials: 5, warmupSteps: 2).ShouldPrune(awful, Completed(5)));
        Assert.IsTrue(new MedianPruner(startupTrials: 5, warmupSteps: 1).ShouldPrune(awful, Completed(5)));
        // Running and pruned trials are not the reference: only completed ones are.
        var notCompleted = Completed(5).Select(t => Trial(t.TrialSettings.TrialId, TrialState.Pruned, 0.1, 0.1)).ToList();
        Assert.IsFalse(new MedianPruner(startupTrials: 5).ShouldPrune(awful, notCompleted));
    }

    [TestMethod]
    public void SuccessiveHalving_KeepsTheBestThirdAtEachRung()
    {
        var pruner = new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3);
        CollectionAssert.AreEqual(new[] { 1, 3, 9 }, pruner.RungSteps(10).ToArray());

        // Five others at rung 1 (steps 1): 1, 2, 3, 4, 5. With the new one, six compete and the best two go on.
        var others = Enumerable.Range(1, 5).Select(i => Trial(i, TrialState.Running, i)).ToList();
        Assert.IsFalse(pruner.ShouldPrune(Trial(9, TrialState.Running, 1.5), others));
        Assert.IsTrue(pruner.ShouldPrune(Trial(9, TrialState.Running, 2.5), others));

        // Step 2 is no rung: nothing is judged there, however bad.
        Assert.IsFalse(pruner.ShouldPrune(Trial(9, TrialState.Running, 1.5, 100), others));
    }

    [TestMethod]
    public void SuccessiveHalving_ValueAtRungIsFirstReportAtOrAfterIt()
    {
        var pruner = new SuccessiveHalvingPruner(minResource: 2, reductionFactor: 2);
        // Others reported at steps 1 and 3 only: their rung-2 value is the one at step 3.
        var others = new List<TrialResult>
        {
            new()
            {
                TrialSettings = new TrialSettings { TrialId = 1 },
                State = TrialState.Completed,
                IntermediateValues = [new(1, 0.1, 0), new(3, 5.0, 0)],
            },
        };

        Assert.IsFalse(pruner.ShouldPrune(Trial(9, TrialState.Running, 9, 4.0), others));
        Assert.IsTrue(pruner.ShouldPrune(Trial(9, TrialState.Running, 9, 6.0), others));
    }

    [TestMethod]
    public void Hyperband_BracketsStartAtGrowingRungs_AndTrialsCompeteWithinTheirBracket()
    {
        var pruner = new HyperbandPruner(maxResource: 27, minResource: 1, reductionFactor: 3);
        Assert.AreEqual(4, pruner.BracketCount);

        var brackets = Enumerable.Range(0, 400).Select(pruner.BracketOf).ToArray();
        var counts = Enumerable.Range(0, 4).Select(b => brackets.Count(x => x == b)).ToArray();
        Assert.IsTrue(counts[0] > counts[1] && counts[1] > counts[2] && counts[2] > counts[3], string.Join(",", counts));
        Assert.AreEqual(4, brackets.Take(30).Distinct().Count(), "the first trials spread over all brackets");

        // A bracket-0 trial that is worst at step 1 among bracket-0 peers is pruned; bracket-3 trials are never judged
        // before step 27, and a trial never competes with another bracket's trials.
        int zero = Array.IndexOf(brackets, 0);
        int three = Array.IndexOf(brackets, 3);
        var peers = Enumerable.Range(0, 400).Where(i => brackets[i] == 0 && i != zero).Take(5)
            .Select(i => Trial(i, TrialState.Completed, 0.1)).ToList();
        Assert.IsTrue(pruner.ShouldPrune(Trial(zero, TrialState.Running, 1.0), peers));
        Assert.IsFalse(pruner.ShouldPrune(Trial(three, TrialState.Running, 1.0, 1.0, 1.0), peers));
    }

    [TestMethod]
    public void Constructors_RejectBadArguments_NamingThem()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(reductionFactor: 1));
        Assert.AreEqual("reductionFactor", error.ParamName);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MedianPruner(startupTrials: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HyperbandPruner(maxResource: 1, minResource: 2));
    }
}
