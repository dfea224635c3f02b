// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;
using Microsoft.Extensions.Time.Testing;

namespace DeepOpt.AutoML.Tests.Experiment;

[TestClass]
public class TuningExperimentTests
{
    private static AutoML.SearchSpace.SearchSpace Space() => new() { ["x"] = new UniformDoubleOption(-1, 1) };

    private static double Square(Parameter p) => Math.Pow(p["x"].AsType<double>(), 2);

    [TestMethod]
    public async Task RunAsync_ThrowingAndNaNTrials_RecordedAsFailedAndLoopContinues()
    {
        var monitor = new RecordingMonitor();
        int calls = 0;
        var runner = new FunctionTrialRunner(p =>
        {
            int call = calls++;
            return call switch
            {
                1 => throw new InvalidOperationException("boom"),
                2 => double.NaN,
                _ => Square(p),
            };
        });
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 1)).SetTrialRunner(runner)
            .SetMonitor(monitor).SetMaxTrials(6);

        var best = await experiment.RunAsync();

        Assert.AreEqual(6, experiment.Trials.Count);
        Assert.AreEqual(2, experiment.Trials.Count(t => t.State == TrialState.Failed));
        Assert.AreEqual(4, monitor.Completed.Count);
        CollectionAssert.AreEqual(new[] { 1, 2 }, monitor.Failed.Select(f => f.Settings.TrialId).ToArray());
        Assert.AreEqual("boom", monitor.Failed[0].Exception?.Message);
        Assert.IsNull(monitor.Failed[1].Exception);
        Assert.AreEqual(monitor.Completed.Min(r => r.Loss), best.Loss);
        Assert.AreSame(best, monitor.Best.Last());
    }

    [TestMethod]
    public async Task RunAsync_EveryTrialFails_ThrowsWithFirstFailure()
    {
        int calls = 0;
        var runner = new FunctionTrialRunner(_ => throw new ArgumentException($"bad {calls++}"));
        var experiment = new TuningExperiment().SetTuner(new BayesianTuner(Space(), 1)).SetTrialRunner(runner).SetMaxTrials(3);

        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => experiment.RunAsync());

        StringAssert.Contains(error.Message, "All 3 trials failed");
        StringAssert.Contains(error.Message, "bad 0");
        Assert.IsInstanceOfType<ArgumentException>(error.InnerException);
    }

    [TestMethod]
    public async Task RunAsync_CancelledDuringTrial_StopsWithinOneTrial()
    {
        using var source = new CancellationTokenSource();
        int started = 0;
        var runner = new FunctionTrialRunner(async (p, token) =>
        {
            if (++started == 3)
            {
                await source.CancelAsync();
                token.ThrowIfCancellationRequested();
            }

            return Square(p);
        });
        var monitor = new RecordingMonitor();
        var experiment = new TuningExperiment().SetTuner(new CostFrugalTuner(Space(), 1)).SetTrialRunner(runner)
            .SetMonitor(monitor).SetMaxTrials(50);

        var best = await experiment.RunAsync(source.Token);

        Assert.AreEqual(3, started);
        Assert.AreEqual(3, experiment.Trials.Count);
        Assert.AreEqual(experiment.Trials.Where(t => !t.IsCanceled).Min(t => t.Loss), best.Loss);
        // The cut trial is canceled, not failed: the configuration did nothing wrong.
        Assert.AreEqual(TrialState.Canceled, experiment.Trials[2].State);
        Assert.IsFalse(experiment.Trials[2].IsFailed);
        Assert.AreEqual(0, monitor.Failed.Count);
        Assert.AreEqual(2, monitor.Canceled.Single().TrialSettings.TrialId);
    }

    [TestMethod]
    public async Task RunAsync_CancelledBetweenTrials_StartsNoMoreTrials()
    {
        using var source = new CancellationTokenSource();
        var monitor = new RecordingMonitor { OnCompleted = r => { if (r.TrialSettings.TrialId == 4) { source.Cancel(); } } };
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 2))
            .SetTrialRunner(new FunctionTrialRunner(Square)).SetMonitor(monitor).SetMaxTrials(100);

        await experiment.RunAsync(source.Token);

        Assert.AreEqual(5, experiment.Trials.Count);
    }

    [TestMethod]
    public async Task RunAsync_TimeBudget_StopsEarly()
    {
        // Each trial takes 150 ms of a fake clock: the fourth runs out the 0.5 s budget while it runs.
        var clock = new FakeTimeProvider();
        var runner = new FunctionTrialRunner((p, token) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(150));
            token.ThrowIfCancellationRequested();
            return Task.FromResult(Square(p));
        });
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 3)).SetTrialRunner(runner)
            .SetTimeProvider(clock).SetMaxTrials(1000).SetTrainingTimeInSeconds(0.5);

        var best = await experiment.RunAsync();

        CollectionAssert.AreEqual(
            new[] { TrialState.Completed, TrialState.Completed, TrialState.Completed, TrialState.Canceled },
            experiment.Trials.Select(t => t.State).ToArray());
        Assert.IsFalse(best.IsFailed);
        Assert.AreEqual(0, experiment.Trials.Count(t => t.IsFailed), "the trial the budget cut is canceled, not failed");
        Assert.AreEqual(TimeSpan.FromMilliseconds(150), experiment.Trials[1].TrialSettings.EndedAtUtc - experiment.Trials[1].TrialSettings.StartedAtUtc,
            "trials are timed on the experiment's clock");
    }

    [TestMethod]
    public async Task RunAsync_TimeBudgetSpentBeforeAnyTrialCompletes_ThrowsTimeout()
    {
        var clock = new FakeTimeProvider();
        var runner = new FunctionTrialRunner((p, token) =>
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            token.ThrowIfCancellationRequested();
            return Task.FromResult(Square(p));
        });
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 3)).SetTrialRunner(runner)
            .SetTimeProvider(clock).SetTrainingTimeInSeconds(1.5);

        var error = await Assert.ThrowsExactlyAsync<TimeoutException>(() => experiment.RunAsync());

        Assert.AreEqual("The time budget of 1.5 s ran out before any trial completed (after 2.0 s). Raise it with SetTrainingTimeInSeconds.",
            error.Message);
        Assert.AreEqual(TrialState.Canceled, experiment.Trials.Single().State);
    }

    [TestMethod]
    public async Task RunAsync_ZeroDuration_IsCompleted()
    {
        var runner = new ZeroDurationRunner();
        var experiment = new TuningExperiment().SetTuner(new CostFrugalTuner(Space(), 0)).SetTrialRunner(runner).SetMaxTrials(5);

        var best = await experiment.RunAsync();

        Assert.IsTrue(experiment.Trials.All(t => t.State == TrialState.Completed));
        Assert.AreEqual(0, best.DurationInMilliseconds);
    }

    [TestMethod]
    public void Tell_TrialNotRunning_Throws()
    {
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 0));
        var settings = experiment.Ask();
        experiment.Tell(settings.TrialId, new TrialResult { Loss = 1 });
        Assert.ThrowsExactly<InvalidOperationException>(() => experiment.Tell(settings.TrialId, new TrialResult { Loss = 1 }));
        Assert.ThrowsExactly<InvalidOperationException>(() => experiment.Tell(99, new TrialResult { Loss = 1 }));
    }

    /// <summary>
    /// A monitor that takes its time over one trial's end must not hold up another trial's report: monitors, tuners
    /// and the store are called outside the experiment's bookkeeping lock.
    /// </summary>
    [TestMethod]
    public async Task Report_WhileAMonitorHandlesAnotherTrialsEnd_DoesNotWaitForIt()
    {
        using var monitorEntered = new ManualResetEventSlim();
        using var releaseMonitor = new ManualResetEventSlim();
        var monitor = new RecordingMonitor
        {
            OnCompleted = _ =>
            {
                monitorEntered.Set();
                releaseMonitor.Wait(TimeSpan.FromMinutes(2));
            },
        };
        using var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 0)).SetMonitor(monitor);
        var first = experiment.Ask();
        var second = experiment.Ask();
        var tell = Task.Run(() => experiment.Tell(first.TrialId, new TrialResult { Loss = 1 }));
        Assert.IsTrue(monitorEntered.Wait(TimeSpan.FromMinutes(2)), "the monitor never heard of the first trial");

        // A deadlock guard, not a speed check: before the split, Report waited for the monitor to return.
        var report = Task.Run(() => experiment.Report(second.TrialId, new IntermediateValue(1, 0.5, 0.5)));
        bool reported = report.Wait(TimeSpan.FromSeconds(30));
        releaseMonitor.Set();
        await tell;
        Assert.IsTrue(reported, "Report waited for a monitor busy with another trial");
        Assert.IsFalse(await report);
        experiment.Tell(second.TrialId, new TrialResult { Loss = 0.5 });
        Assert.HasCount(2, experiment.Trials);
        Assert.AreEqual(0.5, experiment.BestResult!.Loss);
    }

    [TestMethod]
    public async Task RunAsync_NoBudget_Throws()
    {
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 0)).SetTrialRunner(new FunctionTrialRunner(Square));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => experiment.RunAsync());
    }

    [TestMethod]
    public async Task RunAsync_TypedSearchSpace_BestConvertsBackToOptions()
    {
        var space = new SearchSpace<AutoML.Tests.SearchSpace.SearchSpaceOfTTests.TrainOptions>();
        static double Loss(AutoML.Tests.SearchSpace.SearchSpaceOfTTests.TrainOptions o) =>
            Math.Pow(Math.Log10(o.LearningRate) + 2, 2) + Math.Abs(o.Model.Layers - 3)
            + (o.Optimizer == AutoML.Tests.SearchSpace.SearchSpaceOfTTests.Optimizer.Adam ? 0 : 1);
        var experiment = new TuningExperiment()
            .SetTuner(new BayesianTuner(space, seed: 1))
            .SetTrialRunner(new FunctionTrialRunner(p => Loss(p.AsType<AutoML.Tests.SearchSpace.SearchSpaceOfTTests.TrainOptions>())))
            .SetMaxTrials(30);

        var best = await experiment.RunAsync();
        var options = best.TrialSettings.Parameter.AsType<AutoML.Tests.SearchSpace.SearchSpaceOfTTests.TrainOptions>();

        Assert.AreEqual(Loss(options), best.Loss, 1e-12);
        Assert.AreEqual(experiment.Trials.Min(t => t.Loss), best.Loss);
        Assert.IsTrue(best.Loss < 0.5, $"best loss {best.Loss}");
    }

    private sealed class ZeroDurationRunner : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult(new TrialResult { TrialSettings = settings, Loss = Square(settings.Parameter), DurationInMilliseconds = 0 });

        public void Dispose()
        {
        }
    }

    private sealed class RecordingMonitor : IMonitor
    {
        public List<TrialResult> Completed { get; } = [];

        public List<TrialResult> Best { get; } = [];

        public List<(TrialSettings Settings, Exception? Exception)> Failed { get; } = [];

        public List<TrialSettings> Running { get; } = [];

        public List<TrialResult> Canceled { get; } = [];

        public Action<TrialResult>? OnCompleted { get; init; }

        public void ReportBestTrial(TrialResult result) => Best.Add(result);

        public void ReportCompletedTrial(TrialResult result)
        {
            Completed.Add(result);
            OnCompleted?.Invoke(result);
        }

        public void ReportFailTrial(TrialResult result, Exception? exception = null) => Failed.Add((result.TrialSettings, exception));

        public void ReportRunningTrial(TrialSettings settings) => Running.Add(settings);

        public void ReportCanceledTrial(TrialResult result) => Canceled.Add(result);
    }
}
