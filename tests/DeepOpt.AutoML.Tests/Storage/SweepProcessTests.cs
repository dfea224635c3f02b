// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Tests.Storage;

/// <summary>Sweeps run by real worker processes, killed with SIGKILL and restarted.</summary>
[TestClass]
public class SweepProcessTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    [TestMethod]
    public void Sqlite_KilledMidTrialThenRestarted_KeepsEveryCompletedTrialAndFinishesBudget()
    {
        string path = TestDatabases.SqlitePath();
        string sweep = "resume";
        const int Budget = 12;
        Dictionary<int, double> before;
        int killedTrial;
        using (var first = SweepWorkerProcess.Start(path, sweep, "first", Budget, trialMilliseconds: 500, tuner: "bayesian"))
        {
            for (int i = 0; i < 4; i++)
            {
                first.WaitForLine("finished", s_wait);
            }

            first.WaitForLine("started", s_wait);
            first.KillHard();
        }

        using (var store = new SqliteTrialStore(path))
        {
            // The trial that ran when the process died (on a loaded machine perhaps a later one than the line read).
            var trials = store.GetTrials(sweep);
            before = trials.Where(t => t.State == TrialState.Completed).ToDictionary(t => t.TrialId, t => t.Result.Loss);
            killedTrial = trials.Single(t => t.State == TrialState.Running).TrialId;
            Assert.IsTrue(before.Count >= 4, $"{before.Count} completed before the kill");
        }

        using (var second = SweepWorkerProcess.Start(path, sweep, "second", Budget, trialMilliseconds: 20, tuner: "bayesian"))
        {
            Assert.AreEqual(0, second.WaitForExit(s_wait), second.Errors);
        }

        using (var store = new SqliteTrialStore(path))
        {
            var trials = store.GetTrials(sweep);
            CollectionAssert.AreEqual(Enumerable.Range(0, Budget).ToArray(), trials.Select(t => t.TrialId).ToArray());
            foreach (var (id, loss) in before)
            {
                Assert.AreEqual(TrialState.Completed, trials[id].State);
                Assert.AreEqual(loss, trials[id].Result.Loss);
            }

            var killed = trials[killedTrial];
            Assert.AreEqual(TrialState.Failed, killed.State);
            StringAssert.Contains(killed.Result.ErrorMessage, "Worker 'first' stopped while running this trial: its process on this machine has ended");
            Assert.AreEqual(Budget - 1, trials.Count(t => t.State == TrialState.Completed));
            Assert.AreEqual(Budget, trials.Select(t => t.Result.TrialSettings.Parameter.ToJson()).Distinct().Count());
        }
    }

    [TestMethod]
    public void Postgres_FourWorkers_SixtyDistinctCompletedTrials()
    {
        string connection = TestDatabases.Postgres();
        string sweep = TestDatabases.SweepName();
        const int Budget = 60;
        var workers = Enumerable.Range(0, 4)
            .Select(w => SweepWorkerProcess.Start(connection, sweep, $"worker{w}", Budget, trialMilliseconds: 40))
            .ToList();
        try
        {
            foreach (var worker in workers)
            {
                Assert.AreEqual(0, worker.WaitForExit(s_wait), worker.Errors);
            }

            var finishedLines = workers.SelectMany(w => w.Lines.Where(l => l.StartsWith("finished", StringComparison.Ordinal))).ToList();
            Assert.AreEqual(Budget, finishedLines.Count, "every trial finished exactly once, in one worker");
            Assert.AreEqual(Budget, finishedLines.Distinct().Count());
            Assert.IsTrue(workers.Count(w => w.Lines.Any(l => l.StartsWith("finished", StringComparison.Ordinal))) >= 2,
                "the trials were shared between workers");

            using var store = new PostgresTrialStore(connection);
            var trials = store.GetTrials(sweep);
            CollectionAssert.AreEqual(Enumerable.Range(0, Budget).ToArray(), trials.Select(t => t.TrialId).ToArray());
            Assert.IsTrue(trials.All(t => t.State == TrialState.Completed));
            Assert.AreEqual(Budget, trials.Select(t => t.Result.TrialSettings.Parameter.ToJson()).Distinct().Count(), "no point twice");
            Assert.IsTrue(trials.All(t => t.Result.IntermediateValues.Count == 5));
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [TestMethod]
    public void Postgres_WorkerKilledMidTrial_TrialReclaimedAfterHeartbeatTimeout()
    {
        string connection = TestDatabases.Postgres();
        string sweep = TestDatabases.SweepName();
        const int Budget = 8;
        const int Timeout = 1500;
        using (var doomed = SweepWorkerProcess.Start(connection, sweep, "doomed", Budget, trialMilliseconds: 60_000, Timeout))
        {
            doomed.WaitForLine("started 0", s_wait);
            doomed.KillHard();
        }

        using (var survivor = SweepWorkerProcess.Start(connection, sweep, "survivor", Budget, trialMilliseconds: 500, Timeout))
        {
            Assert.AreEqual(0, survivor.WaitForExit(s_wait), survivor.Errors);
        }

        using var store = new PostgresTrialStore(connection);
        var trials = store.GetTrials(sweep);
        Assert.AreEqual(Budget, trials.Count);
        var reclaimed = trials[0];
        Assert.AreEqual(TrialState.Failed, reclaimed.State);
        Assert.AreEqual("doomed", reclaimed.WorkerId);
        StringAssert.Contains(reclaimed.Result.ErrorMessage, "Worker 'doomed' stopped while running this trial: it sent no heartbeat");
        StringAssert.Contains(reclaimed.Result.ErrorMessage, "Worker 'survivor' marked the trial failed");
        Assert.AreEqual(Budget - 1, trials.Count(t => t.State == TrialState.Completed && t.WorkerId == "survivor"));
    }

    [TestMethod]
    public void Sqlite_CorruptFile_WorkerExitsWithClearError()
    {
        string path = TestDatabases.SqlitePath();
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("this is not a database ", 50)));
        using var worker = SweepWorkerProcess.Start(path, "s", "w", 3, 10);
        Assert.AreEqual(2, worker.WaitForExit(s_wait));
        StringAssert.Contains(worker.Errors, $"The SQLite file '{path}' is not a database (file is corrupt?): delete it or pass another path.");
    }
}
