// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tests.Storage;
using DeepOpt.AutoML.Tests.Tuners;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Experiment;

/// <summary>How earlier trials map onto a new search space, and the errors of a warm start that cannot work.</summary>
[TestClass]
public class WarmStartMappingTests
{
    /// <summary>The new space: lr narrower than before, the optimizer without rmsprop, and momentum new (init 0.9).</summary>
    private static AutoML.SearchSpace.SearchSpace NewSpace() => new()
    {
        ["lr"] = new UniformDoubleOption(1e-3, 1, logBase: true),
        ["units"] = new UniformIntOption(1, 6),
        ["optimizer"] = new ChoiceOption("sgd", "adam"),
        ["momentum"] = new UniformDoubleOption(0, 1, defaultValue: 0.9),
    };

    private static Parameter Old(double lr, double units, string optimizer) => Parameter.CreateNestedParameter(
        KeyValuePair.Create("lr", Parameter.FromDouble(lr)),
        KeyValuePair.Create("units", units == Math.Floor(units) ? Parameter.FromInt((int)units) : Parameter.FromDouble(units)),
        KeyValuePair.Create("optimizer", Parameter.FromString(optimizer)),
        KeyValuePair.Create("dropout", Parameter.FromDouble(0.3)));

    private static TuningExperiment Experiment(ITuner tuner, AutoML.SearchSpace.SearchSpace? space) =>
        new TuningExperiment().SetTuner(tuner).SetTrialRunner(new FunctionTrialRunner(_ => 1.0)).SetSearchSpace(space ?? NewSpace()).SetMaxTrials(2);

    [TestMethod]
    public async Task SetWarmStart_OverlappingSpace_KeepsValuesInRangeFillsMissingOnesAndCountsWhatIsLeftOut()
    {
        var earlier = new List<TrialResult>
        {
            EarlierTrials.Completed(0, Old(0.01, 3, "adam"), 0.5),
            EarlierTrials.Completed(1, Old(1e-4, 3, "adam"), 0.1),       // lr below the new range
            EarlierTrials.Completed(2, Old(0.01, 3, "rmsprop"), 0.2),    // no longer a candidate
            EarlierTrials.Completed(3, Old(0.01, 2.5, "sgd"), 0.3),      // not an integer
            EarlierTrials.Completed(4, Old(0.01, 9, "sgd"), 0.3),        // above the new range
            EarlierTrials.Completed(5, Old(0.1, 2, "sgd"), double.NaN, TrialState.Failed),
            EarlierTrials.Completed(6, Old(0.1, 2, "sgd"), double.NaN, TrialState.Running),
            EarlierTrials.Completed(7, Old(0.1, 2, "sgd"), 0.4, TrialState.Canceled),
            EarlierTrials.Completed(8, Old(0.1, 2, "SGD"), double.NaN, TrialState.Pruned) with { IntermediateValues = [new IntermediateValue(1, 0.8, 0.2)] },
            EarlierTrials.Completed(9, Old(0.1, 2, "sgd"), double.PositiveInfinity),
        };
        var tuner = new RecordingTuner(new RandomSearchTuner(NewSpace(), 1));
        using var experiment = Experiment(tuner, null).SetWarmStart(earlier);

        await experiment.RunAsync();

        var told = tuner.Updates.Where(u => u.Result.TrialSettings.IsWarmStart).ToList();
        Assert.HasCount(2, told);
        Assert.IsTrue(told.All(u => !u.AfterAProposal), "told before the first proposal");
        CollectionAssert.AreEqual(new[] { -1, -2 }, told.Select(u => u.Result.TrialSettings.TrialId).ToArray());
        var first = told[0].Result.TrialSettings.Parameter;
        Assert.AreEqual("{\"lr\":0.01,\"momentum\":0.9,\"optimizer\":\"adam\",\"units\":3}", first.ToJson(), "dropout ignored, momentum at its init");
        Assert.AreEqual(0.5, told[0].Result.Loss);
        var pruned = told[1].Result;
        Assert.AreEqual(TrialState.Pruned, pruned.State);
        Assert.AreEqual(0.8, pruned.Loss, "a pruned trial counts with its last reported value");
        Assert.AreEqual("sgd", pruned.TrialSettings.Parameter["optimizer"].AsType<string>(), "a candidate matched in any case");

        var skipped = experiment.WarmStart!.Skipped;
        Assert.AreEqual(1, skipped["'lr' outside [0.001, 1]"]);
        Assert.AreEqual(1, skipped["'optimizer' not one of [sgd, adam]"]);
        Assert.AreEqual(2, skipped["'units' not an integer in [1, 6]"]);
        Assert.AreEqual(1, skipped["failed"]);
        Assert.AreEqual(1, skipped["running"]);
        Assert.AreEqual(1, skipped["canceled"]);
        Assert.AreEqual(1, skipped["loss not finite"]);
        Assert.AreEqual(8, experiment.WarmStart.SkippedCount);
        StringAssert.StartsWith(experiment.WarmStart.ToString(), "2 trials from 10 given trials; 8 skipped: 2 'units' not an integer in [1, 6]");
    }

    [TestMethod]
    public async Task SetWarmStart_NestedSpaceAndTrainerTrials_MappedOntoTheSameTrainer()
    {
        // A sweep over two trainers (ECI's shape), warm-started from one with the trainers "a" and "gone".
        var a = new AutoML.SearchSpace.SearchSpace { ["x"] = new UniformDoubleOption(0, 1), ["inner"] = new AutoML.SearchSpace.SearchSpace { ["k"] = new UniformIntOption(1, 3, defaultValue: 2) } };
        var b = new AutoML.SearchSpace.SearchSpace { ["y"] = new UniformDoubleOption(0, 1) };
        var space = new AutoML.SearchSpace.SearchSpace { ["a"] = a, ["b"] = b };
        static Parameter Trial(string name, string json) => Parameter.FromJson($"{{\"{EciTuner.PipelineKey}\":\"{name}\",\"{name}\":{json}}}");
        var earlier = new List<TrialResult>
        {
            EarlierTrials.Completed(0, Trial("a", "{\"x\":0.25}"), 0.5),
            EarlierTrials.Completed(1, Trial("gone", "{\"x\":0.25}"), 0.4),
            EarlierTrials.Completed(2, Trial("a", "{\"x\":0.5,\"inner\":{\"k\":7}}"), 0.3),
            EarlierTrials.Completed(3, Parameter.FromJson("{\"x\":0.5}"), 0.2),
        };
        var pipelines = new Dictionary<string, AutoML.SearchSpace.SearchSpace> { ["a"] = a, ["b"] = b };
        var tuner = new RecordingTuner(new EciTuner(pipelines, seed: 1));
        using var experiment = Experiment(tuner, space).SetWarmStart(earlier);

        await experiment.RunAsync();

        var told = tuner.Updates.Where(u => u.Result.TrialSettings.IsWarmStart).Select(u => u.Result.TrialSettings.Parameter.ToJson()).ToList();
        CollectionAssert.AreEqual(new[] { $"{{\"{EciTuner.PipelineKey}\":\"a\",\"a\":{{\"inner\":{{\"k\":2}},\"x\":0.25}}}}" }, told);
        var skipped = experiment.WarmStart!.Skipped;
        Assert.AreEqual(1, skipped["trainer 'gone' is not in this sweep"]);
        Assert.AreEqual(1, skipped["'a.inner.k' not an integer in [1, 3]"]);
        Assert.AreEqual(1, skipped["shares no option with this sweep's space"], "a trial that names no trainer");
    }

    [TestMethod]
    public void SetWarmStart_MissingFile_SaysWhichFileAndTheFix()
    {
        string path = TestDatabases.SqlitePath();
        var error = Assert.ThrowsExactly<FileNotFoundException>(() => new TuningExperiment().SetWarmStart(path));
        StringAssert.Contains(error.Message, $"The warm-start store '{path}' does not exist");
        StringAssert.Contains(error.Message, "SetStorage");
        Assert.AreEqual(path, error.FileName);
        Assert.IsFalse(File.Exists(path), "the missing file is not created");
        Assert.ThrowsExactly<FileNotFoundException>(() => new TuningExperiment().SetWarmStart($"Data Source={path}"));
    }

    [TestMethod]
    public async Task SetWarmStart_UnknownSweepName_ListsTheSweepsTheStoreHas()
    {
        string path = TestDatabases.SqlitePath();
        using (var earlier = Experiment(new RandomSearchTuner(NewSpace(), 1), null).SetStorage(path).SetSweepName("lr-sweep"))
        {
            await earlier.RunAsync();
        }

        var error = Assert.ThrowsExactly<ArgumentException>(() => new TuningExperiment().SetWarmStart(path, "lr_sweep"));
        Assert.AreEqual("sweepName", error.ParamName);
        StringAssert.Contains(error.Message, $"The SQLite file '{path}' has no sweep named 'lr_sweep': it holds 'lr-sweep'.");
        using var empty = new InMemoryTrialStore();
        var none = Assert.ThrowsExactly<ArgumentException>(() => new TuningExperiment().SetWarmStart(empty, "default"));
        StringAssert.Contains(none.Message, "it holds no sweep");
    }

    [TestMethod]
    public async Task RunAsync_WarmStartSharingNoOption_RefusedBeforeTheSweepOpens()
    {
        var earlier = EarlierTrials.Of(new RandomSearchTuner(TestObjectives.BraninSpace(), 1), TestObjectives.Branin, 4);
        using var store = new InMemoryTrialStore();
        using var experiment = Experiment(new RandomSearchTuner(NewSpace(), 1), null).SetStorage(store).SetWarmStart(earlier);

        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => experiment.RunAsync());

        StringAssert.Contains(error.Message, "The warm-start trials (4 given trials) share no option with this sweep's search space");
        StringAssert.Contains(error.Message, "they have x1, x2; the space has lr, momentum, optimizer, units");
        StringAssert.Contains(error.Message, "SetWarmStart");
        Assert.IsEmpty(store.GetSweepNames(), "no sweep was opened");
    }

    [TestMethod]
    public async Task RunAsync_WarmStartWithoutSearchSpace_AsksForIt()
    {
        using var experiment = new TuningExperiment().SetTuner(new RandomSearchTuner(NewSpace(), 1))
            .SetTrialRunner(new FunctionTrialRunner(_ => 1.0)).SetMaxTrials(2)
            .SetWarmStart([EarlierTrials.Completed(0, Old(0.01, 3, "adam"), 0.5)]);

        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => experiment.RunAsync());

        StringAssert.Contains(error.Message, "SetWarmStart needs this sweep's search space");
        StringAssert.Contains(error.Message, "SetSearchSpace");
    }

    [TestMethod]
    public async Task SetWarmStart_AfterTheSweepOpened_Refused()
    {
        using var experiment = Experiment(new RandomSearchTuner(NewSpace(), 1), null);
        await experiment.RunAsync();

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => experiment.SetWarmStart([]));
        StringAssert.Contains(error.Message, "Call SetWarmStart before the first trial starts");
    }
}
