// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tests.Tuners;
using DeepOpt.AutoML.Tuners;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DeepOpt.AutoML.Tests.Storage;

/// <summary>An experiment over a store: resume, clear errors, heartbeats, a pruner that sees every worker.</summary>
[TestClass]
public class ExperimentStorageTests
{
    /// <summary>How long a trial waits for others before the test gives up: a guard against a hang, not a speed bound.</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(30);

    public static IEnumerable<object[]> SequenceTuners =>
    [
        ["random", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new RandomSearchTuner(s, 3))],
        ["grid", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new GridSearchTuner(s, 4, 3))],
        ["cost-frugal", (Func<AutoML.SearchSpace.SearchSpace, ITuner>)(s => new CostFrugalTuner(s, 3))],
    ];

    [TestMethod]
    [DynamicData(nameof(SequenceTuners))]
    public async Task SetStorage_RestartedOnSameFile_ContinuesTheUninterruptedSequence(string name, Func<AutoML.SearchSpace.SearchSpace, ITuner> factory)
    {
        var space = TestObjectives.BraninSpace();
        using var uninterrupted = Experiment(factory(space), space).SetMaxTrials(9);
        await uninterrupted.RunAsync();

        string path = TestDatabases.SqlitePath();
        using (var first = Experiment(factory(space), space).SetStorage(path).SetMaxTrials(5))
        {
            await first.RunAsync();
        }

        using var resumed = Experiment(factory(space), space).SetStorage(path).SetMaxTrials(9);
        var best = await resumed.RunAsync();

        Assert.AreEqual(9, resumed.Trials.Count, name);
        CollectionAssert.AreEqual(
            uninterrupted.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray(),
            resumed.Trials.OrderBy(t => t.TrialSettings.TrialId).Select(t => t.TrialSettings.Parameter.ToJson()).ToArray(),
            name);
        Assert.AreEqual(uninterrupted.BestResult!.Loss, best.Loss, name);
    }

    [TestMethod]
    public async Task SetStorage_BayesianResumed_ReplaysHistoryAndProposesNoRepeat()
    {
        var space = TestObjectives.BraninSpace();
        string path = TestDatabases.SqlitePath();
        double firstBest;
        using (var first = Experiment(new BayesianTuner(space, 1), space).SetStorage($"Data Source={path}").SetMaxTrials(12))
        {
            firstBest = (await first.RunAsync()).Loss;
        }

        using var resumed = Experiment(new BayesianTuner(space, 1), space).SetStorage(path).SetMaxTrials(20);
        var best = await resumed.RunAsync();

        Assert.AreEqual(20, resumed.Trials.Count);
        Assert.AreEqual(20, resumed.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).Distinct().Count());
        Assert.IsTrue(best.Loss <= firstBest);
    }

    [TestMethod]
    public async Task SetStorage_TrialCutByCancellation_StoredAsCanceledAndTheResumedSequenceGoesOn()
    {
        var space = TestObjectives.BraninSpace();
        using var uninterrupted = Experiment(new RandomSearchTuner(space, 3), space).SetMaxTrials(6);
        await uninterrupted.RunAsync();

        string path = TestDatabases.SqlitePath();
        using var source = new CancellationTokenSource();
        int started = 0;
        using (var first = Experiment(new RandomSearchTuner(space, 3), space).SetStorage(path).SetMaxTrials(6)
            .SetTrialRunner(new FunctionTrialRunner(async (p, token) =>
            {
                if (++started == 3)
                {
                    await source.CancelAsync();
                    token.ThrowIfCancellationRequested();
                }

                return TestObjectives.Branin(p);
            })))
        {
            await first.RunAsync(source.Token);
        }

        using var resumed = Experiment(new RandomSearchTuner(space, 3), space).SetStorage(path).SetMaxTrials(6);
        await resumed.RunAsync();

        var trials = resumed.Trials.OrderBy(t => t.TrialSettings.TrialId).ToList();
        CollectionAssert.AreEqual(
            new[] { TrialState.Completed, TrialState.Completed, TrialState.Canceled, TrialState.Completed, TrialState.Completed, TrialState.Completed },
            trials.Select(t => t.State).ToArray());
        StringAssert.Contains(trials[2].ErrorMessage, "cancellation or the time budget");
        CollectionAssert.AreEqual(
            uninterrupted.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray(),
            trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray());
    }

    [TestMethod]
    public async Task SetStorage_ResumedWithDifferentSpace_RefusedWithClearError()
    {
        string path = TestDatabases.SqlitePath();
        var space = TestObjectives.BraninSpace();
        using (var first = Experiment(new RandomSearchTuner(space), space).SetStorage(path).SetMaxTrials(2))
        {
            await first.RunAsync();
        }

        var wider = new AutoML.SearchSpace.SearchSpace
        {
            ["x1"] = new UniformDoubleOption(-5, 20),
            ["x2"] = new UniformDoubleOption(0, 15),
        };
        using var resumed = Experiment(new RandomSearchTuner(wider), wider).SetStorage(path).SetMaxTrials(4);
        var error = await Assert.ThrowsExactlyAsync<TrialStoreException>(() => resumed.RunAsync());
        StringAssert.Contains(error.Message, $"The sweep 'default' in the SQLite file '{path}' was run with a different search space");
        StringAssert.Contains(error.Message, "ranges, scales, defaults or candidates differ");
        StringAssert.Contains(error.Message, "SetSweepName");
    }

    [TestMethod]
    public async Task SetStorage_CorruptSqliteFile_ClearError()
    {
        string path = TestDatabases.SqlitePath();
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        using var experiment = Experiment(new RandomSearchTuner(TestObjectives.BraninSpace()), null).SetStorage(path).SetMaxTrials(2);
        var error = await Assert.ThrowsExactlyAsync<TrialStoreException>(() => experiment.RunAsync());
        Assert.AreEqual($"The SQLite file '{path}' is not a database (file is corrupt?): delete it or pass another path.", error.Message);
    }

    [TestMethod]
    public async Task SetStorage_LockedSqliteFile_ClearError()
    {
        string path = TestDatabases.SqlitePath();
        using (var store = new SqliteTrialStore(path))
        {
            store.OpenSweep("other", "{}");
        }

        using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using var transaction = holder.BeginTransaction();
        using (var write = holder.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "UPDATE deepopt_sweeps SET definition = definition";
            write.ExecuteNonQuery();
        }

        using var experiment = Experiment(new RandomSearchTuner(TestObjectives.BraninSpace()), null)
            .SetStorage($"Data Source={path};Default Timeout=1").SetMaxTrials(2);
        var error = await Assert.ThrowsExactlyAsync<TrialStoreException>(() => experiment.RunAsync());
        StringAssert.StartsWith(error.Message, $"The SQLite file '{path}' is locked by another connection or process (waited 1 s)");
        StringAssert.Contains(error.Message, "Default Timeout");
    }

    [TestMethod]
    public async Task SetStorage_WrongPostgresPassword_ClearError()
    {
        var builder = new NpgsqlConnectionStringBuilder(TestDatabases.Postgres()) { Password = "not-the-password" };
        using var experiment = Experiment(new RandomSearchTuner(TestObjectives.BraninSpace()), null).SetStorage(builder.ToString()).SetMaxTrials(2);
        var error = await Assert.ThrowsExactlyAsync<TrialStoreException>(() => experiment.RunAsync());
        StringAssert.StartsWith(error.Message, $"PostgreSQL at {builder.Host}:{builder.Port} refused the login of user '{builder.Username}'");
        StringAssert.Contains(error.Message, "check Username and Password in the connection string");
        Assert.IsFalse(error.Message.Contains("not-the-password", StringComparison.Ordinal), "the message never shows the password");
    }

    [TestMethod]
    public async Task SetStorage_UnreachablePostgres_ClearError()
    {
        using var experiment = Experiment(new RandomSearchTuner(TestObjectives.BraninSpace()), null)
            .SetStorage("Host=127.0.0.1;Port=1;Username=sweeper;Password=secret;Database=sweeps;Timeout=3").SetMaxTrials(2);
        var error = await Assert.ThrowsExactlyAsync<TrialStoreException>(() => experiment.RunAsync());
        StringAssert.StartsWith(error.Message, "Cannot reach PostgreSQL at 127.0.0.1:1");
        StringAssert.Contains(error.Message, "check Host and Port in the connection string");
    }

    [TestMethod]
    public void SetStorage_UnknownConnectionString_SaysWhatToPass()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TuningExperiment().SetStorage("Server2=x;Flavour=y"));
        StringAssert.Contains(error.Message, "`Data Source=<path>` for SQLite");
    }

    [TestMethod]
    public async Task Heartbeat_TrialLongerThanTimeout_NotReclaimedWhileItBeats()
    {
        string path = TestDatabases.SqlitePath();
        var space = TestObjectives.BraninSpace();
        var clock = new FakeTimeProvider();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var slowStore = new SqliteTrialStore(path, clock);
        using var slow = Experiment(new RandomSearchTuner(space, 1), space).SetStorage(slowStore).SetTimeProvider(clock)
            .SetWorkerId("slow").SetHeartbeatTimeout(TimeSpan.FromMilliseconds(300)).SetMaxTrials(1)
            .SetTrialRunner(new FunctionTrialRunner(async (p, token) =>
            {
                running.SetResult();
                await release.Task.WaitAsync(token);
                return TestObjectives.Branin(p);
            }));
        var slowRun = slow.RunAsync();
        await running.Task;

        // Three timeouts pass while the slow trial runs; its heartbeat (every 75 ms) fires as the clock moves.
        for (int step = 0; step < 18; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        using var quickStore = new SqliteTrialStore(path, clock);
        using var quick = Experiment(new RandomSearchTuner(space, 1), space).SetStorage(quickStore).SetTimeProvider(clock)
            .SetWorkerId("quick").SetHeartbeatTimeout(TimeSpan.FromMilliseconds(300)).SetMaxTrials(2);
        await quick.RunAsync();
        release.SetResult();
        await slowRun;

        using var store = new SqliteTrialStore(path);
        var trials = store.GetTrials("default");
        Assert.AreEqual(2, trials.Count);
        Assert.IsTrue(trials.All(t => t.State == TrialState.Completed), string.Join("; ", trials.Select(t => t.Result.ErrorMessage)));
    }

    [TestMethod]
    public async Task Report_TwoWorkersOnOneStore_PrunerSeesTheOtherWorkersTrials()
    {
        var store = new InMemoryTrialStore();
        var space = TestObjectives.BraninSpace();
        using (var first = Experiment(new RandomSearchTuner(space, 1), space).SetStorage(store).SetWorkerId("first").SetMaxTrials(3)
            .SetTrialRunner(new ReportingRunner()))
        {
            await first.RunAsync();
        }

        var pruner = new CountingPruner();
        using var second = Experiment(new RandomSearchTuner(space, 1), space).SetStorage(store).SetWorkerId("second").SetMaxTrials(4)
            .SetPruner(pruner).SetTrialRunner(new ReportingRunner());
        await second.RunAsync();

        Assert.AreEqual(3, pruner.OthersSeen.Max());
        Assert.AreEqual(4, store.GetTrials("default").Count);
    }

    [TestMethod]
    public async Task SetParallelTrials_Three_RunsTrialsAtOnceWithinBudget()
    {
        var space = TestObjectives.BraninSpace();
        int running = 0;
        int most = 0;
        // The first trials wait until three run at once, however slowly the tuner proposes the third.
        var threeAtOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var experiment = Experiment(new BayesianTuner(space, 1), space).SetParallelTrials(3).SetMaxTrials(12)
            .SetTrialRunner(new FunctionTrialRunner(async (p, token) =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                if (now == 3)
                {
                    threeAtOnce.TrySetResult();
                }

                await Task.WhenAny(threeAtOnce.Task, Task.Delay(s_hangGuard, token));
                threeAtOnce.TrySetResult(); // past the guard, no later trial waits: `most` tells what happened
                Interlocked.Decrement(ref running);
                return TestObjectives.Branin(p);
            }));
        await experiment.RunAsync();

        Assert.AreEqual(12, experiment.Trials.Count);
        Assert.AreEqual(3, most);
        Assert.AreEqual(12, experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).Distinct().Count());
    }

    private static TuningExperiment Experiment(ITuner tuner, AutoML.SearchSpace.SearchSpace? space)
    {
        var experiment = new TuningExperiment().SetTuner(tuner).SetTrialRunner(new FunctionTrialRunner(TestObjectives.Branin));
        return space == null ? experiment : experiment.SetSearchSpace(space);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private sealed class ReportingRunner : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            double loss = TestObjectives.Branin(settings.Parameter);
            settings.ReportIntermediate(1, loss, loss);
            return Task.FromResult(new TrialResult { Loss = loss, Metric = loss });
        }

        public void Dispose()
        {
        }
    }

    private sealed class CountingPruner : IPruner
    {
        public List<int> OthersSeen { get; } = [];

        public bool ShouldPrune(TrialResult trial, IReadOnlyList<TrialResult> others)
        {
            OthersSeen.Add(others.Count(o => o.IntermediateValues.Count > 0));
            return false;
        }
    }
}
