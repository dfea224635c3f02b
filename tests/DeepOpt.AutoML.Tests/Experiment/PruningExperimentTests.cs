// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Experiment;

[TestClass]
public class PruningExperimentTests
{
    private const int Epochs = 9;

    private static AutoML.SearchSpace.SearchSpace Space() => new() { ["x"] = new UniformDoubleOption(-1, 1) };

    [TestMethod]
    public async Task Asha_PrunesBadTrialsEarly_RecordsThemAsPruned_AndKeepsTheBestCompleted()
    {
        var runner = new CurveRunner(throwWhenPruned: true);
        var tuner = new RecordingTuner(new RandomSearchTuner(Space(), 3));
        var monitor = new PruneMonitor();
        var experiment = new TuningExperiment().SetTuner(tuner).SetTrialRunner(runner).SetMonitor(monitor)
            .SetPruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)).SetMaxTrials(20);

        var best = await experiment.RunAsync();

        var pruned = experiment.Trials.Where(t => t.State == TrialState.Pruned).ToList();
        Assert.IsTrue(pruned.Count >= 8, $"{pruned.Count} of 20 pruned");
        Assert.IsTrue(runner.StepsRun < 20 * Epochs * 0.6, $"{runner.StepsRun} steps");
        foreach (var trial in pruned)
        {
            Assert.IsTrue(trial.IntermediateValues.Count < Epochs);
            Assert.AreEqual(trial.IntermediateValues[^1].Loss, trial.Loss, "a pruned trial keeps its last value");
            Assert.IsFalse(trial.IsFailed);
            Assert.IsNull(trial.ErrorMessage);
        }

        Assert.AreEqual(TrialState.Completed, best.State);
        Assert.AreEqual(Epochs, best.IntermediateValues.Count);
        Assert.AreEqual(experiment.Trials.Where(t => t.State == TrialState.Completed).Min(t => t.Loss), best.Loss);
        CollectionAssert.AreEquivalent(pruned.Select(t => t.TrialSettings.TrialId).ToList(), monitor.Pruned);
        Assert.AreEqual(pruned.Count, tuner.Seen.Count(r => r.State == TrialState.Pruned && !r.IsFailed));
    }

    [TestMethod]
    public async Task RunnerReturningPrunedState_IsRecordedLikeAThrownPrune()
    {
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 5))
            .SetTrialRunner(new CurveRunner(throwWhenPruned: false))
            .SetPruner(new MedianPruner(startupTrials: 2)).SetMaxTrials(12);

        await experiment.RunAsync();

        var pruned = experiment.Trials.Where(t => t.IsPruned).ToList();
        Assert.IsTrue(pruned.Count > 0);
        Assert.IsTrue(pruned.All(t => t.IntermediateValues.Count < Epochs && double.IsFinite(t.Loss)));
    }

    [TestMethod]
    public async Task WithoutPruner_EveryTrialRunsAllSteps_AndValuesAreKept()
    {
        var runner = new CurveRunner(throwWhenPruned: true);
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 3)).SetTrialRunner(runner).SetMaxTrials(4);

        await experiment.RunAsync();

        Assert.AreEqual(4 * Epochs, runner.StepsRun);
        Assert.IsTrue(experiment.Trials.All(t => t.State == TrialState.Completed && t.IntermediateValues.Count == Epochs));
    }

    [TestMethod]
    public void Report_ForATrialThatIsNotRunning_Throws()
    {
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 3));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => experiment.Report(7, new IntermediateValue(1, 0, 0)));
        StringAssert.Contains(error.Message, "Trial 7 is not running");
    }

    /// <summary>Learning curves loss(step) = x² + 1 / step: the final order is the order at every step.</summary>
    private sealed class CurveRunner(bool throwWhenPruned) : ITrialRunner
    {
        public int StepsRun { get; private set; }

        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            double floor = Math.Pow(settings.Parameter["x"].AsType<double>(), 2);
            double loss = double.NaN;
            for (int step = 1; step <= Epochs; step++)
            {
                StepsRun++;
                loss = floor + (1.0 / step);
                // Like a real trainer, the last step finishes the trial whatever the pruner says.
                if (settings.ReportIntermediate(step, loss, -loss) && step < Epochs)
                {
                    if (throwWhenPruned)
                    {
                        throw new TrialPrunedException();
                    }

                    return Task.FromResult(new TrialResult { State = TrialState.Pruned, Loss = double.NaN });
                }
            }

            return Task.FromResult(new TrialResult { Loss = loss, Metric = -loss, DurationInMilliseconds = Epochs });
        }

        public void Dispose()
        {
        }
    }

    private sealed class RecordingTuner(ITuner inner) : ITuner
    {
        public List<TrialResult> Seen { get; } = [];

        public Parameter Propose(TrialSettings settings) => inner.Propose(settings);

        public void Update(TrialResult result)
        {
            Seen.Add(result);
            inner.Update(result);
        }
    }

    private sealed class PruneMonitor : IMonitor
    {
        public List<int> Pruned { get; } = [];

        public void ReportRunningTrial(TrialSettings settings)
        {
        }

        public void ReportCompletedTrial(TrialResult result)
        {
        }

        public void ReportBestTrial(TrialResult result)
        {
        }

        public void ReportFailTrial(TrialResult result, Exception? exception = null)
        {
        }

        public void ReportPrunedTrial(TrialResult result) => Pruned.Add(result.TrialSettings.TrialId);
    }
}
