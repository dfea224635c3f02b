// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tests.Storage;
using DeepOpt.AutoML.Tests.Tuners;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Experiment;

/// <summary>What a warm start is to the new sweep: knowledge for its tuner, never one of its own trials.</summary>
[TestClass]
public class WarmStartTests
{
    private static TuningExperiment Experiment(ITuner tuner, AutoML.SearchSpace.SearchSpace space) => new TuningExperiment()
        .SetTuner(tuner).SetSearchSpace(space).SetTrialRunner(new FunctionTrialRunner(TestObjectives.Branin));

    [TestMethod]
    public async Task RunAsync_WarmStart_NotStoredNotCountedAgainstTheBudgetNeverTheBest()
    {
        var space = TestObjectives.BraninSpace();
        var earlier = EarlierTrials.Of(new RandomSearchTuner(space, 2), TestObjectives.Branin, 6);

        // An earlier trial better than anything this sweep can reach: the best must still be this sweep's own.
        earlier[3] = earlier[3] with { Loss = -1000 };
        using var store = new InMemoryTrialStore();
        var monitor = new CountingMonitor();
        using var experiment = Experiment(new BayesianTuner(space, 1), space).SetStorage(store).SetMonitor(monitor)
            .SetWarmStart(earlier).SetMaxTrials(5);

        var best = await experiment.RunAsync();

        Assert.HasCount(6, experiment.WarmStart!.Trials);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, store.GetTrials("default").Select(t => t.TrialId).ToArray(), "five own trials, no earlier one");
        Assert.HasCount(5, experiment.Trials);
        Assert.IsFalse(experiment.Trials.Any(t => t.TrialSettings.IsWarmStart));
        Assert.AreEqual(5, monitor.Completed, "monitors hear of own trials only");
        Assert.IsFalse(monitor.HeardOfAWarmStartTrial);
        Assert.IsFalse(best.TrialSettings.IsWarmStart);
        Assert.IsTrue(best.Loss > 0, $"the best is an own trial, not the earlier -1000: {best.Loss}");
        Assert.AreSame(best, experiment.BestResult);
    }

    [TestMethod]
    public async Task RunAsync_SameSeedAndWarmStart_SameProposals()
    {
        var space = TestObjectives.BraninSpace();
        var earlier = EarlierTrials.Of(new RandomSearchTuner(space, 4), TestObjectives.Branin, 12);
        async Task<string[]> Proposals(bool warm)
        {
            using var experiment = Experiment(new BayesianTuner(space, 7), space).SetMaxTrials(8);
            if (warm)
            {
                experiment.SetWarmStart(earlier);
            }

            await experiment.RunAsync();
            return experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray();
        }

        var first = await Proposals(warm: true);
        CollectionAssert.AreEqual(first, await Proposals(warm: true));
        CollectionAssert.AreNotEqual(first, await Proposals(warm: false), "the warm start changed what the tuner proposes");
    }

    [TestMethod]
    public async Task SetWarmStart_SqliteFileOfAnEarlierRun_ReadsItsFinishedTrials()
    {
        var space = TestObjectives.BraninSpace();
        string path = TestDatabases.SqlitePath();
        string[] earlierConfigurations;
        using (var earlier = Experiment(new RandomSearchTuner(space, 3), space).SetStorage(path).SetSweepName("subset").SetMaxTrials(7))
        {
            await earlier.RunAsync();
            earlierConfigurations = earlier.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray();
        }

        var tuner = new RecordingTuner(new BayesianTuner(space, 1));
        using var experiment = Experiment(tuner, space).SetWarmStart($"Data Source={path}", "subset").SetMaxTrials(3);
        await experiment.RunAsync();

        var summary = experiment.WarmStart!;
        StringAssert.Contains(summary.Source, $"sweep 'subset' in the SQLite file '{path}'");
        CollectionAssert.AreEqual(earlierConfigurations, summary.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(1, 7).Select(i => -i).ToArray(), summary.Trials.Select(t => t.TrialSettings.TrialId).ToArray());
        Assert.AreEqual(7, tuner.Updates.Count(u => u.Result.TrialSettings.IsWarmStart && !u.AfterAProposal));
        using var source = new SqliteTrialStore(path);
        Assert.HasCount(7, source.GetTrials("subset"), "the earlier sweep is only read");
        CollectionAssert.AreEqual(new[] { "subset" }, source.GetSweepNames().ToArray());
    }

    [TestMethod]
    public async Task SetWarmStart_ResumedSweep_ToldOnceMoreThenItsOwnTrialsReplayedNothingTwice()
    {
        var space = TestObjectives.BraninSpace();
        var earlier = EarlierTrials.Of(new RandomSearchTuner(space, 5), TestObjectives.Branin, 10);
        using var uninterrupted = Experiment(new CostFrugalTuner(space, 3), space).SetWarmStart(earlier).SetMaxTrials(8);
        await uninterrupted.RunAsync();

        string path = TestDatabases.SqlitePath();
        using (var first = Experiment(new CostFrugalTuner(space, 3), space).SetStorage(path).SetWarmStart(earlier).SetMaxTrials(4))
        {
            await first.RunAsync();
        }

        var tuner = new RecordingTuner(new CostFrugalTuner(space, 3));
        using var resumed = Experiment(tuner, space).SetStorage(path).SetWarmStart(earlier).SetMaxTrials(8);
        await resumed.RunAsync();

        // The first trial re-evaluated the best earlier trial on the same objective: the same configuration with the
        // same result, which the store now holds as the sweep's own, so the resumed warm start leaves it out.
        Assert.HasCount(10, uninterrupted.WarmStart!.Trials);
        Assert.HasCount(9, resumed.WarmStart!.Trials);
        Assert.AreEqual(1, resumed.WarmStart.Skipped["already a trial of this sweep"]);
        var ids = tuner.Updates.Select(u => u.Result.TrialSettings.TrialId).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(1, 9).Select(i => -i).Concat(Enumerable.Range(0, 8)).ToArray(), ids.ToArray(),
            "the warm start first, then each of the sweep's trials once");
        CollectionAssert.AreEqual(
            uninterrupted.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray(),
            resumed.Trials.OrderBy(t => t.TrialSettings.TrialId).Select(t => t.TrialSettings.Parameter.ToJson()).ToArray(),
            "the resumed sweep continues the warm-started sequence");
    }

    [TestMethod]
    public async Task SetWarmStart_FromTheSweepItself_ItsTrialsAreReplayedOnlyAsItsOwn()
    {
        var space = TestObjectives.BraninSpace();
        string path = TestDatabases.SqlitePath();
        using (var first = Experiment(new BayesianTuner(space, 1), space).SetStorage(path).SetMaxTrials(6))
        {
            await first.RunAsync();
        }

        var tuner = new RecordingTuner(new BayesianTuner(space, 1));
        using var resumed = Experiment(tuner, space).SetStorage(path).SetWarmStart(path).SetMaxTrials(9);
        await resumed.RunAsync();

        Assert.IsEmpty(resumed.WarmStart!.Trials);
        Assert.AreEqual(6, resumed.WarmStart.Skipped["already a trial of this sweep"]);
        Assert.AreEqual(9, tuner.Updates.Count, "six replayed and three new, each once");
        Assert.HasCount(9, resumed.Trials);
    }

    private sealed class CountingMonitor : IMonitor
    {
        public int Completed { get; private set; }

        public bool HeardOfAWarmStartTrial { get; private set; }

        public void ReportRunningTrial(TrialSettings settings)
        {
        }

        public void ReportCompletedTrial(TrialResult result)
        {
            Completed++;
            HeardOfAWarmStartTrial |= result.TrialSettings.IsWarmStart;
        }

        public void ReportBestTrial(TrialResult result) => HeardOfAWarmStartTrial |= result.TrialSettings.IsWarmStart;

        public void ReportFailTrial(TrialResult result, Exception? exception = null)
        {
        }
    }
}
