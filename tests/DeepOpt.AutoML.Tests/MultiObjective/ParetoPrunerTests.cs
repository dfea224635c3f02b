// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.MultiObjective;

[TestClass]
public class ParetoPrunerTests
{
    private const int Epochs = 9;

    private static readonly ObjectiveSet s_objectives = new(
        [Objective.Maximize("Accuracy"), Objective.Minimize("Latency")], [Constraint.AtMost("Latency", 0.9)]);

    private static AutoML.SearchSpace.SearchSpace Space() => new()
    {
        ["quality"] = new UniformDoubleOption(0, 1),
        ["latency"] = new UniformDoubleOption(0, 1),
    };

    [TestMethod]
    public async Task Pruning_NeverRemovesATrialOfTheFrontOfTheSameRunWithoutPruning()
    {
        // Learning curves that never cross (accuracy(step) = quality * (1 - 0.5 / step)) and a latency known from the
        // first epoch: the final front of the unpruned run is decidable, and no trial of it may be pruned.
        var (unpruned, _) = await Run(pruner: null);
        var (pruned, runner) = await Run(new ParetoPruner(s_objectives, "Accuracy"));

        var front = s_objectives.ParetoFront(unpruned.Trials).Select(t => t.TrialSettings.TrialId).ToHashSet();
        var prunedIds = pruned.Trials.Where(t => t.IsPruned).Select(t => t.TrialSettings.TrialId).ToList();
        Assert.IsGreaterThan(3, front.Count, "a front of several trials");
        Assert.IsGreaterThan(10, prunedIds.Count, "pruning pruned");
        Assert.IsEmpty(prunedIds.Intersect(front), "no trial of the front was pruned");
        CollectionAssert.AreEquivalent(front.ToList(), pruned.ParetoFront.Select(t => t.TrialSettings.TrialId).ToList(), "the same front");
        Assert.IsLessThan(40 * Epochs * 0.7, runner.StepsRun, "pruning saved work");
    }

    [TestMethod]
    public void KnownInfeasible_PrunedAtOnce_UnknownOtherObjective_NeverRankPruned()
    {
        var pruner = new ParetoPruner(s_objectives, "Accuracy", minResource: 1, reductionFactor: 2);
        var slow = Running(9, latency: 0.95, -0.9);
        Assert.IsTrue(pruner.ShouldPrune(slow, []), "latency 0.95 breaks `Latency <= 0.9` whatever the training does");

        var better = Enumerable.Range(0, 6).Select(i => Running(i, 0.1, -0.9)).ToList();
        Assert.IsTrue(pruner.ShouldPrune(Running(9, 0.5, -0.1), better), "dominated at the rung, and not in the best half");
        Assert.IsFalse(pruner.ShouldPrune(Running(9, 0.05, -0.1), better), "the lowest latency: nobody dominates it");
        Assert.IsFalse(pruner.ShouldPrune(Running(9, null, -0.1), better), "no latency reported yet: never pruned by rank");
    }

    [TestMethod]
    public void LearningCurveNotAnObjective_Refused()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new ParetoPruner(s_objectives, "MacroAccuracy"));
        StringAssert.Contains(error.Message, "not one of the objectives (Accuracy, Latency)");
    }

    private static TrialResult Running(int id, double? latency, params double[] losses) => new()
    {
        TrialSettings = new TrialSettings { TrialId = id },
        State = TrialState.Running,
        IntermediateValues = losses.Select((l, i) => new IntermediateValue(i + 1, l, -l)
        {
            Measures = latency is { } value ? new Dictionary<string, double> { ["Latency"] = value } : null,
        }).ToList(),
    };

    private static async Task<(TuningExperiment Experiment, CurveRunner Runner)> Run(IPruner? pruner)
    {
        var runner = new CurveRunner();
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 11)).SetTrialRunner(runner)
            .SetObjectives(s_objectives).SetMaxTrials(40);
        if (pruner != null)
        {
            experiment.SetPruner(pruner);
        }

        await experiment.RunAsync();
        return (experiment, runner);
    }

    private sealed class CurveRunner : ITrialRunner
    {
        public int StepsRun { get; private set; }

        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            double quality = settings.Parameter["quality"].AsType<double>();
            double latency = settings.Parameter["latency"].AsType<double>();
            var measures = new Dictionary<string, double> { ["Latency"] = latency };
            double accuracy = 0;
            for (int step = 1; step <= Epochs; step++)
            {
                StepsRun++;
                accuracy = quality * (1 - (0.5 / step));
                if (settings.ReportIntermediate(step, -accuracy, accuracy, measures) && step < Epochs)
                {
                    throw new TrialPrunedException();
                }
            }

            return Task.FromResult(new TrialResult
            {
                Loss = -accuracy,
                Metric = accuracy,
                Metrics = new Dictionary<string, double> { ["Accuracy"] = accuracy, ["Latency"] = latency },
            });
        }

        public void Dispose()
        {
        }
    }
}
