// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tests.Storage;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Experiment;

/// <summary>No sweep evaluates a configuration twice while unevaluated ones remain, resumed or not.</summary>
[TestClass]
public class DistinctProposalsTests
{
    [TestMethod]
    public async Task RunAsync_CostFrugalResumedTwiceWithTiedLosses_EveryConfigurationDistinct()
    {
        // The reported reproduction: 5 trials, then two resumes over the same SQLite file, each with a new experiment
        // and a new tuner. Every trial ties, so the search never has an incumbent to move away from.
        var space = new SearchSpace<MlpSearchSpace>();
        string path = TestDatabases.SqlitePath();
        foreach (int budget in new[] { 5, 10, 15 })
        {
            using var experiment = new TuningExperiment()
                .SetTuner(new CostFrugalTuner(space, 0))
                .SetTrialRunner(new FunctionTrialRunner(_ => 1.0))
                .SetStorage(path)
                .SetMaxTrials(budget);
            await experiment.RunAsync();
        }

        using var store = new AutoML.Storage.SqliteTrialStore(path);
        var configurations = store.GetTrials("default").Select(t => t.Result.TrialSettings.Parameter.ToJson()).ToList();
        Assert.HasCount(15, configurations);
        Assert.HasCount(15, configurations.Distinct(), string.Join("\n", configurations));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public async Task RunAsync_FiniteSpaceExhausted_StopsAfterEveryPointWithTheSpaceSize()
    {
        var space = new AutoML.SearchSpace.SearchSpace
        {
            ["optimizer"] = new ChoiceOption("sgd", "adam", "rmsprop"),
            ["nesterov"] = new ChoiceOption(false, true),
        };
        using var experiment = new TuningExperiment()
            .SetTuner(new GridSearchTuner(space, 2, 1))
            .SetTrialRunner(new FunctionTrialRunner(p => p["optimizer"].AsType<string>().Length))
            .SetSearchSpace(space)
            .SetMaxTrials(10);

        var best = await experiment.RunAsync();

        Assert.HasCount(6, experiment.Trials);
        Assert.HasCount(6, experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).Distinct());
        Assert.AreEqual(3, best.Loss);
        StringAssert.Contains(experiment.StopReason, "All 6 configurations");
        var error = Assert.ThrowsExactly<SearchSpaceExhaustedException>(() => experiment.Ask());
        Assert.AreEqual(6, error.SpaceSize);
    }

    [TestMethod]
    public async Task RunAsync_TunerRepeatsItself_ExperimentRunsUnevaluatedPointsInstead()
    {
        // A tuner that only ever proposes one point: with the space known, the experiment draws new ones.
        var space = new AutoML.SearchSpace.SearchSpace { ["units"] = new UniformIntOption(1, 8) };
        using var experiment = new TuningExperiment()
            .SetTuner(new ConstantTuner(space))
            .SetTrialRunner(new FunctionTrialRunner(p => p["units"].AsType<int>()))
            .SetSearchSpace(space)
            .SetMaxTrials(20);

        await experiment.RunAsync();

        var units = experiment.Trials.Select(t => t.TrialSettings.Parameter["units"].AsType<int>()).Order().ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, 8).ToArray(), units);
        StringAssert.Contains(experiment.StopReason, "All 8 configurations");
    }

    [TestMethod]
    public async Task RunAsync_CanceledTrial_ItsConfigurationMayRunAgain()
    {
        // A canceled trial was stopped by the run, not judged: the space still counts it as unevaluated.
        var space = new AutoML.SearchSpace.SearchSpace { ["c"] = new ChoiceOption("a", "b") };
        var store = new AutoML.Storage.InMemoryTrialStore();
        using var source = new CancellationTokenSource();
        using (var first = new TuningExperiment().SetTuner(new GridSearchTuner(space, 2, 0)).SetSearchSpace(space).SetStorage(store)
            .SetTrialRunner(new FunctionTrialRunner(async (_, token) =>
            {
                await source.CancelAsync();
                token.ThrowIfCancellationRequested();
                return 1.0;
            })).SetMaxTrials(5))
        {
            await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => first.RunAsync(source.Token));
        }

        using var resumed = new TuningExperiment().SetTuner(new GridSearchTuner(space, 2, 0)).SetSearchSpace(space).SetStorage(store)
            .SetTrialRunner(new FunctionTrialRunner(_ => 1.0)).SetMaxTrials(5);
        await resumed.RunAsync();

        Assert.AreEqual(2, resumed.Trials.Count(t => t.State == TrialState.Completed));
        StringAssert.Contains(resumed.StopReason, "All 2 configurations");
    }

    [TestMethod]
    public async Task RunAsync_EciTunerWithTheTrainersSpace_KeepsItsOwnConfigurations()
    {
        // An ECI tuner's configurations name their pipeline, which the space of trainers does not describe: the
        // experiment re-asks the tuner but never substitutes a point of that space, nor calls it exhausted.
        var a = new AutoML.SearchSpace.SearchSpace { ["x"] = new UniformIntOption(1, 6) };
        var b = new AutoML.SearchSpace.SearchSpace { ["y"] = new ChoiceOption("r", "s", "t", "u") };
        var trainers = new AutoML.SearchSpace.SearchSpace { ["a"] = a, ["b"] = b };
        using var experiment = new TuningExperiment()
            .SetTuner(new EciTuner(new Dictionary<string, AutoML.SearchSpace.SearchSpace> { ["a"] = a, ["b"] = b }, 1))
            .SetTrialRunner(new FunctionTrialRunner(p => p[EciTuner.PipelineKey].AsType<string>() == "a" ? 1.0 : 2.0))
            .SetSearchSpace(trainers)
            .SetMaxTrials(8);

        await experiment.RunAsync();

        Assert.HasCount(8, experiment.Trials);
        Assert.IsTrue(experiment.Trials.All(t => t.State == TrialState.Completed), "every configuration names its pipeline");
        Assert.HasCount(8, experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).Distinct(), string.Join(" ", experiment.Trials.Select(t => t.TrialSettings.Parameter.ToJson())));
        Assert.IsNull(experiment.StopReason);
    }

    private sealed class ConstantTuner(AutoML.SearchSpace.SearchSpace space) : ITuner
    {
        public Parameter Propose(TrialSettings settings) => space.SampleFromFeatureSpace(space.Default);

        public void Update(TrialResult result)
        {
        }
    }
}
