// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tests.Storage;
using DeepOpt.AutoML.Tuners;
using Microsoft.Data.Sqlite;

namespace DeepOpt.AutoML.Tests.MultiObjective;

[TestClass]
public class MultiObjectiveExperimentTests
{
    private static AutoML.SearchSpace.SearchSpace Space() => new() { ["x"] = new UniformDoubleOption(0, 1), ["y"] = new UniformDoubleOption(0, 1) };

    /// <summary>Error against cost, where cost is computed from the trial (its duration), not a metric of the runner.</summary>
    private static ObjectiveSet Objectives() => new(
        [Objective.Minimize("Error"), new Objective("Cost", ObjectiveDirection.Minimize, r => r.DurationInMilliseconds)],
        [Constraint.AtMost("Error", 0.8)]);

    private static ITrialRunner Runner() => new MetricsRunner(p =>
    {
        double x = p["x"].AsType<double>(), y = p["y"].AsType<double>();
        return (new Dictionary<string, double> { ["Error"] = ((1 - x) * (1 - x)) + (y * 0.5) }, 100 * x * x);
    });

    [TestMethod]
    public async Task RunParetoAsync_ReturnsTheFeasibleFront_AndTheStoreKeepsEveryObjectiveForAResume()
    {
        string path = TestDatabases.SqlitePath();
        IReadOnlyList<TrialResult> front;
        using (var experiment = new TuningExperiment().SetTuner(new MultiObjectiveBayesianTuner(Space(), Objectives(), seed: 2))
            .SetTrialRunner(Runner()).SetObjectives(Objectives()).SetStorage(path).SetMaxTrials(16))
        {
            front = await experiment.RunParetoAsync();
            Assert.IsTrue(experiment.Trials.All(t => t.Metrics.ContainsKey("Cost")), "the computed objective is recorded with each trial");
            CollectionAssert.AreEqual(front.ToList(), experiment.ParetoFront.ToList());
        }

        Assert.IsGreaterThan(2, front.Count);
        Assert.IsTrue(front.All(t => t.Metrics["Error"] <= 0.8), "only feasible trials");
        foreach (var trial in front)
        {
            Assert.IsFalse(front.Any(other => Pareto.Dominates(Objectives().LossesOf(other), Objectives().LossesOf(trial))));
        }

        // A resumed sweep reads the objective values back from the store, without the runner or the functions.
        using var resumed = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 1)).SetTrialRunner(Runner())
            .SetObjectives(new ObjectiveSet([Objective.Minimize("Error"), Objective.Minimize("Cost")], [Constraint.AtMost("Error", 0.8)]))
            .SetStorage(path).SetMaxTrials(16);
        var again = await resumed.RunParetoAsync();
        CollectionAssert.AreEqual(front.Select(t => t.TrialSettings.TrialId).ToList(), again.Select(t => t.TrialSettings.TrialId).ToList());
        Assert.AreEqual(front[0].Metrics["Cost"], again[0].Metrics["Cost"]);
    }

    [TestMethod]
    public async Task SingleObjectiveExperiment_AskedForAFront_SaysWhatToSet()
    {
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 1)).SetTrialRunner(Runner()).SetMaxTrials(2);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => experiment.RunParetoAsync());
        StringAssert.Contains(error.Message, "call SetObjectives");
        Assert.IsNull(experiment.Objectives);
    }

    [TestMethod]
    public async Task ObjectiveFunctionThatThrows_FailsItsTrial_AndTheSweepGoesOn()
    {
        var objectives = new ObjectiveSet([Objective.Minimize("Error"), new Objective("Cost", ObjectiveDirection.Minimize,
            r => r.Metrics["Error"] > 0.5 ? throw new KeyNotFoundException("no cost for this one") : 1)]);
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 4)).SetTrialRunner(Runner())
            .SetObjectives(objectives).SetMaxTrials(12);

        await experiment.RunParetoAsync();

        var failed = experiment.Trials.Where(t => t.IsFailed).ToList();
        Assert.IsNotEmpty(failed);
        Assert.HasCount(12, experiment.Trials);
        StringAssert.Contains(failed[0].ErrorMessage, "Computing an objective or a constraint of trial");
        StringAssert.Contains(failed[0].ErrorMessage, "no cost for this one");
        Assert.IsTrue(experiment.ParetoFront.All(t => t.Metrics["Error"] <= 0.5));
    }

    [TestMethod]
    public async Task SetObjectives_AfterTheFirstTrial_Refused()
    {
        var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(Space(), 1)).SetTrialRunner(Runner()).SetMaxTrials(1);
        await experiment.RunAsync();

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => experiment.SetObjectives(Objectives()));
        StringAssert.Contains(error.Message, "Call SetObjectives before the first trial starts");
    }

    [TestMethod]
    public void SqliteSweepOfAnEarlierVersion_GetsTheMetricsColumn()
    {
        string path = TestDatabases.SqlitePath();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE deepopt_trials (sweep TEXT NOT NULL, trial_id INTEGER NOT NULL, state TEXT NOT NULL, "
                + "parameter TEXT NOT NULL, loss DOUBLE PRECISION NULL, metric DOUBLE PRECISION NULL, duration_ms DOUBLE PRECISION NULL, "
                + "error TEXT NULL, intermediate TEXT NOT NULL, peak_memory_mb DOUBLE PRECISION NULL, worker_id TEXT NOT NULL, host TEXT NOT NULL, "
                + "pid INTEGER NOT NULL, started_ms BIGINT NOT NULL, ended_ms BIGINT NULL, heartbeat_ms BIGINT NOT NULL, PRIMARY KEY (sweep, trial_id))";
            command.ExecuteNonQuery();
        }

        using var store = new SqliteTrialStore(path);
        store.OpenSweep("old", "{}");
        var worker = WorkerIdentity.ForThisProcess(null);
        var trial = store.StartTrial("old", worker, null, TimeSpan.FromHours(1), (_, _) => Parameter.CreateNestedParameter())!;
        var result = trial.Result with { State = TrialState.Completed, Loss = 1, Metrics = new Dictionary<string, double> { ["Error"] = 0.5 } };
        Assert.IsTrue(store.FinishTrial("old", worker.WorkerId, result));
        Assert.AreEqual(0.5, store.GetTrials("old").Single().Result.Metrics["Error"]);
    }

    /// <summary>Returns metrics and a duration (the cost) made up from the configuration.</summary>
    private sealed class MetricsRunner(Func<Parameter, (Dictionary<string, double> Metrics, double Milliseconds)> run) : ITrialRunner
    {
        public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
        {
            var (metrics, milliseconds) = run(settings.Parameter);
            return Task.FromResult(new TrialResult { Loss = metrics["Error"], Metric = metrics["Error"], Metrics = metrics, DurationInMilliseconds = milliseconds });
        }

        public void Dispose()
        {
        }
    }
}
