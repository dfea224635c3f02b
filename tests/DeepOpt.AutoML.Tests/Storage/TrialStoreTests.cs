// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DeepOpt.AutoML.Tests.Storage;

/// <summary>The contract every trial store keeps, checked against each store.</summary>
public abstract class TrialStoreTests
{
    private static readonly WorkerIdentity s_remote = new("remote", "another-machine", 12345);

    /// <summary>Gets the clock every store of one test reads, so heartbeat ages are exact whatever the machine's speed.</summary>
    protected FakeTimeProvider Clock { get; } = new();

    /// <summary>Creates a store on <see cref="Clock"/>; every call for one test reaches the same data (as separate
    /// workers would).</summary>
    protected abstract ITrialStore CreateStore();

    [TestMethod]
    public void OpenSweep_Twice_KeepsTheFirstDefinition()
    {
        using var store = CreateStore();
        string sweep = TestDatabases.SweepName();
        Assert.AreEqual("{\"a\":1}", store.OpenSweep(sweep, "{\"a\":1}"));
        Assert.AreEqual("{\"a\":1}", store.OpenSweep(sweep, "{\"a\":2}"));
    }

    [TestMethod]
    public void GetSweepNames_OpenedSweeps_ListedInOrdinalOrder()
    {
        using var store = CreateStore();
        string first = TestDatabases.SweepName();
        string second = TestDatabases.SweepName();
        store.OpenSweep(second, "{}");
        store.OpenSweep(first, "{}");
        store.OpenSweep(first, "{}");

        // Other tests may share the database: only this test's sweeps are checked, and their order.
        var names = store.GetSweepNames().Where(n => n == first || n == second).ToList();
        CollectionAssert.AreEqual(new[] { first, second }.Order(StringComparer.Ordinal).ToArray(), names.ToArray());
        Assert.IsFalse(store.GetSweepNames().Contains("never-opened"));
    }

    [TestMethod]
    public void StartTrial_Budget_IdsCountFromZeroAndStopAtBudget()
    {
        using var store = CreateStore();
        string sweep = Open(store);
        var ids = new List<int>();
        while (store.StartTrial(sweep, s_remote, 3, TimeSpan.FromHours(1), (id, _) => Point(id)) is { } trial)
        {
            ids.Add(trial.TrialId);
            Assert.AreEqual(TrialState.Running, trial.State);
        }

        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, ids);
        Assert.AreEqual(3, store.GetTrials(sweep).Count);
    }

    [TestMethod]
    public void FinishTrial_Completed_RoundTripsEveryField()
    {
        using var store = CreateStore();
        string sweep = Open(store);
        var trial = store.StartTrial(sweep, s_remote, null, TimeSpan.FromHours(1), (id, _) => Point(id))!;
        store.ReportIntermediate(sweep, trial.TrialId, [new IntermediateValue(1, 0.5, 0.7)]);
        Assert.AreEqual(0.5, store.GetTrials(sweep)[0].Result.Loss);
        trial.Result.TrialSettings.EndedAtUtc = trial.Result.TrialSettings.StartedAtUtc.AddSeconds(1);
        var result = trial.Result with
        {
            State = TrialState.Completed,
            Loss = 0.25,
            Metric = 0.75,
            DurationInMilliseconds = 1234.5,
            PeakMemoryInMegaByte = 99,
            IntermediateValues = [new IntermediateValue(1, 0.5, 0.7), new IntermediateValue(2, double.NaN, 0.8) { Measures = new Dictionary<string, double> { ["ParameterCount"] = 1234 } }],
            Metrics = new Dictionary<string, double> { ["MacroAccuracy"] = 0.75, ["LatencyInMilliseconds"] = 0.125 },
        };

        Assert.IsTrue(store.FinishTrial(sweep, s_remote.WorkerId, result));

        var stored = store.GetTrials(sweep).Single();
        Assert.AreEqual(TrialState.Completed, stored.State);
        Assert.AreEqual("remote", stored.WorkerId);
        Assert.AreEqual(0.25, stored.Result.Loss);
        Assert.AreEqual(0.75, stored.Result.Metric);
        Assert.AreEqual(1234.5, stored.Result.DurationInMilliseconds);
        Assert.AreEqual(99.0, stored.Result.PeakMemoryInMegaByte);
        Assert.AreEqual(Point(0).ToJson(), stored.Result.TrialSettings.Parameter.ToJson());
        Assert.AreEqual(2, stored.Result.IntermediateValues.Count);
        Assert.IsTrue(double.IsNaN(stored.Result.IntermediateValues[1].Loss));
        Assert.AreEqual(1234.0, stored.Result.IntermediateValues[1].Measures!["ParameterCount"]);
        Assert.IsNull(stored.Result.IntermediateValues[0].Measures);
        CollectionAssert.AreEquivalent(result.Metrics.ToList(), stored.Result.Metrics.ToList(), "every metric, so every objective value, is stored");
        Assert.AreEqual(1.0, (stored.Result.TrialSettings.EndedAtUtc!.Value - stored.Result.TrialSettings.StartedAtUtc).TotalSeconds, 0.01);
    }

    [TestMethod]
    public void FinishTrial_AlreadyFinished_ReturnsFalseAndKeepsTheRecord()
    {
        using var store = CreateStore();
        string sweep = Open(store);
        var trial = store.StartTrial(sweep, s_remote, null, TimeSpan.FromHours(1), (id, _) => Point(id))!;
        Assert.IsTrue(store.FinishTrial(sweep, s_remote.WorkerId, trial.Result with { State = TrialState.Failed, ErrorMessage = "first" }));

        Assert.IsFalse(store.FinishTrial(sweep, s_remote.WorkerId, trial.Result with { State = TrialState.Completed, Loss = 1 }));
        Assert.AreEqual("first", store.GetTrials(sweep)[0].Result.ErrorMessage);
        Assert.AreEqual(TrialState.Failed, store.GetTrials(sweep)[0].State);
    }

    [TestMethod]
    public void GetTrials_ChangedSnapshot_StoreUnchanged()
    {
        using var store = CreateStore();
        string sweep = Open(store);
        store.StartTrial(sweep, s_remote, null, TimeSpan.FromHours(1), (id, _) => Point(id));
        var snapshot = store.GetTrials(sweep)[0];
        snapshot.Result.TrialSettings.EndedAtUtc = DateTime.UtcNow;
        snapshot.Result.TrialSettings.Parameter["x"] = Parameter.FromDouble(0.99);

        Assert.AreEqual(TrialState.Running, store.GetTrials(sweep)[0].State);
        Assert.IsNull(store.GetTrials(sweep)[0].Result.TrialSettings.EndedAtUtc);
        Assert.AreEqual(Point(0).ToJson(), store.GetTrials(sweep)[0].Result.TrialSettings.Parameter.ToJson());
    }

    [TestMethod]
    public void StartTrial_StaleHeartbeat_ReclaimedOnceAsFailed()
    {
        using var store = CreateStore();
        string sweep = Open(store);
        store.StartTrial(sweep, s_remote, null, TimeSpan.FromHours(1), (id, _) => Point(id));
        Clock.Advance(TimeSpan.FromMilliseconds(60));
        var history = new List<StoredTrial>();
        var first = new WorkerIdentity("first", "another-machine", 1);
        store.StartTrial(sweep, first, null, TimeSpan.FromMilliseconds(20), (id, trials) =>
        {
            history.AddRange(trials);
            return Point(id);
        });

        // The proposer already sees the reclaimed trial as failed; a later reclaimer changes nothing.
        Assert.AreEqual(TrialState.Failed, history.Single().State);
        var second = new WorkerIdentity("second", "another-machine", 2);
        store.StartTrial(sweep, second, null, TimeSpan.FromHours(1), (id, _) => Point(id));
        var reclaimed = store.GetTrials(sweep)[0];
        Assert.AreEqual(TrialState.Failed, reclaimed.State);
        StringAssert.Contains(reclaimed.Result.ErrorMessage, "Worker 'remote' stopped");
        StringAssert.Contains(reclaimed.Result.ErrorMessage, "Worker 'first' marked the trial failed");
        Assert.IsFalse(store.FinishTrial(sweep, s_remote.WorkerId, Completed(reclaimed.Result)));
    }

    [TestMethod]
    public void StartTrial_FreshHeartbeat_TrialStaysRunning()
    {
        using var store = CreateStore();
        string sweep = Open(store);
        store.StartTrial(sweep, s_remote, null, TimeSpan.FromHours(1), (id, _) => Point(id));
        for (int beat = 0; beat < 4; beat++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            store.Heartbeat(sweep, s_remote.WorkerId, [0]);
        }

        // 500 ms after the start, but 100 ms after the last beat; 201 ms later the beat is stale.
        Clock.Advance(TimeSpan.FromMilliseconds(100));
        var other = new WorkerIdentity("other", "another-machine", 2);
        store.StartTrial(sweep, other, null, TimeSpan.FromMilliseconds(300), (id, _) => Point(id));
        Assert.AreEqual(TrialState.Running, store.GetTrials(sweep)[0].State);
        Clock.Advance(TimeSpan.FromMilliseconds(201));
        store.StartTrial(sweep, other, null, TimeSpan.FromMilliseconds(300), (id, _) => Point(id));
        Assert.AreEqual(TrialState.Failed, store.GetTrials(sweep)[0].State);
    }

    [TestMethod]
    public void StartTrial_ConcurrentWorkers_UniqueIdsAndExactBudget()
    {
        string sweep = TestDatabases.SweepName();
        using (var setup = CreateStore())
        {
            setup.OpenSweep(sweep, "{}");
        }

        var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            using var store = CreateStore();
            var me = new WorkerIdentity($"w{w}", "another-machine", w);
            while (store.StartTrial(sweep, me, 30, TimeSpan.FromHours(1), (id, _) => Point(id)) is { } trial)
            {
                ids.Add(trial.TrialId);
                Assert.IsTrue(store.FinishTrial(sweep, me.WorkerId, Completed(trial.Result)));
            }
        })).ToArray();
        Task.WaitAll(workers);

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 30).ToArray(), ids.ToArray());
        using var check = CreateStore();
        Assert.AreEqual(30, check.GetTrials(sweep).Count(t => t.State == TrialState.Completed));
    }

    private static string Open(ITrialStore store)
    {
        string sweep = TestDatabases.SweepName();
        store.OpenSweep(sweep, "{}");
        return sweep;
    }

    private static Parameter Point(int id)
    {
        var parameter = Parameter.CreateNestedParameter();
        parameter["x"] = Parameter.FromDouble(id / 100.0);
        return parameter;
    }

    private static TrialResult Completed(TrialResult running) =>
        running with { State = TrialState.Completed, Loss = running.TrialSettings.TrialId, Metric = 0 };
}

[TestClass]
public class InMemoryTrialStoreTests : TrialStoreTests
{
    private readonly InMemoryTrialStore _shared;

    public InMemoryTrialStoreTests()
    {
        _shared = new InMemoryTrialStore(Clock);
    }

    protected override ITrialStore CreateStore() => new SharedStore(_shared);

    /// <summary>The one in-memory store, seen as a new store per worker; disposing the view keeps the data.</summary>
    private sealed class SharedStore(InMemoryTrialStore inner) : ITrialStore
    {
        public string Location => inner.Location;

        public string OpenSweep(string sweepName, string definitionJson) => inner.OpenSweep(sweepName, definitionJson);

        public StoredTrial? StartTrial(string sweepName, WorkerIdentity worker, int? maxTrials, TimeSpan heartbeatTimeout,
            Func<int, IReadOnlyList<StoredTrial>, Parameter> propose) =>
            inner.StartTrial(sweepName, worker, maxTrials, heartbeatTimeout, propose);

        public void ReportIntermediate(string sweepName, int trialId, IReadOnlyList<IntermediateValue> values) =>
            inner.ReportIntermediate(sweepName, trialId, values);

        public void Heartbeat(string sweepName, string workerId, IReadOnlyCollection<int> trialIds) =>
            inner.Heartbeat(sweepName, workerId, trialIds);

        public bool FinishTrial(string sweepName, string workerId, TrialResult result) => inner.FinishTrial(sweepName, workerId, result);

        public IReadOnlyList<StoredTrial> GetTrials(string sweepName) => inner.GetTrials(sweepName);

        public IReadOnlyList<string> GetSweepNames() => inner.GetSweepNames();

        public void Dispose()
        {
        }
    }
}

[TestClass]
public class SqliteTrialStoreConformanceTests : TrialStoreTests
{
    private readonly string _path = TestDatabases.SqlitePath();

    protected override ITrialStore CreateStore() => new SqliteTrialStore(_path, Clock);
}

[TestClass]
public class PostgresTrialStoreConformanceTests : TrialStoreTests
{
    protected override ITrialStore CreateStore() => new PostgresTrialStore(TestDatabases.Postgres(), Clock);
}
