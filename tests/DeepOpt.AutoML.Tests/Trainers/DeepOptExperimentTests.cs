// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Trainers;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML;

namespace DeepOpt.AutoML.Tests.Trainers;

[TestClass]
[DoNotParallelize]
public class DeepOptExperimentTests
{
    private static readonly MlpOptions Base = new() { ThreadCount = 1 };

    private static (MLContext Ml, IDataView Train, IDataView Validation, IEstimator<ITransformer> Featurizer) Task(int rows = 600)
    {
        var ml = new MLContext(seed: 1);
        return (ml, SweepData.Classes(ml, rows, 1), SweepData.Classes(ml, 400, 2), ml.Transforms.Conversion.MapValueToKey("Label"));
    }

    [TestMethod]
    public async Task CostFrugalSweep_FindsBetterThanTheDefault_AndTheBestModelPredictsAsReported()
    {
        var (ml, train, validation, featurizer) = Task();
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(Base))
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MacroAccuracy)
            .SetCostFrugalTuner()
            .SetMaxTrials(12);

        var best = await experiment.RunAsync();

        var first = experiment.Trials.Single(t => t.TrialSettings.TrialId == 0);
        Assert.AreEqual(2, first.TrialSettings.Parameter["Epochs"].AsType<int>(), "the first trial is the cheap default");
        Assert.IsTrue(best.Metric > first.Metric + 0.1, $"default {first.Metric:F3}, best {best.Metric:F3}");
        Assert.AreEqual(-best.Metric, best.Loss);
        Assert.IsTrue(best.PeakMemoryInMegaByte > 0);
        Assert.IsTrue(best.Metrics.ContainsKey("LogLoss") && best.Metrics["MacroAccuracy"] == best.Metric);
        CollectionAssert.AreEquivalent(
            new[] { "MicroAccuracy", "MacroAccuracy", "LogLoss", "LogLossReduction", TrialMeasures.ParameterCount, TrialMeasures.TrainingTimeInSeconds },
            best.Metrics.Keys.ToArray(), "the evaluator's metrics and the measures every trial gets");
        Assert.AreEqual(best.TrialSettings.Parameter["Epochs"].AsType<int>(), best.IntermediateValues.Count, "one value per epoch");

        var model = best.Model ?? throw new AssertFailedException("the best trial keeps its model");
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(validation));
        Assert.AreEqual(best.Metric, metrics.MacroAccuracy, 1e-9);
        Assert.IsTrue(experiment.Trials.Where(t => t != best).All(t => t.Model == null), "losing models are released");
    }

    [TestMethod]
    public async Task Pruner_StopsBadTrialsEarly_AndRecordsThemAsPruned()
    {
        var (ml, train, validation, featurizer) = Task();
        var space = new SearchSpace<MlpSearchSpace> { ["Epochs"] = new ChoiceOption(9) };
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(Base, space))
            .SetMulticlassClassificationMetric()
            .SetRandomSearchTuner()
            .SetPruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3))
            .SetMaxTrials(10);

        await experiment.RunAsync();

        var pruned = experiment.Trials.Where(t => t.State == TrialState.Pruned).ToList();
        Assert.IsTrue(pruned.Count >= 3, $"{pruned.Count} pruned");
        foreach (var trial in pruned)
        {
            Assert.IsTrue(trial.IntermediateValues.Count < 9, $"trial {trial.TrialSettings.TrialId} ran {trial.IntermediateValues.Count} epochs");
            Assert.AreEqual(trial.IntermediateValues[^1].Loss, trial.Loss);
            Assert.IsNull(trial.Model);
        }

        Assert.IsTrue(experiment.Trials.Where(t => t.State == TrialState.Completed).All(t => t.IntermediateValues.Count == 9));
    }

    [TestMethod]
    public async Task TimeBudget_StopsALongTrialWithinABatch()
    {
        var (ml, train, validation, featurizer) = Task(rows: 2000);
        var space = new SearchSpace<MlpSearchSpace> { ["Epochs"] = new ChoiceOption(1_000_000), ["BatchSize"] = new ChoiceOption(64) };
        // The budget runs out on the experiment's fake clock during the third batch of the first epoch.
        var clock = new FakeTimeProvider();
        var batches = new BatchRecorder(b => { if (b.Batch == 3) { clock.Advance(TimeSpan.FromSeconds(2)); } });
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(new MlpOptions { ThreadCount = 1 }, space, new DeepFitContext { BatchProgress = batches }))
            .SetMulticlassClassificationMetric()
            .SetTimeProvider(clock)
            .SetTrainingTimeInSeconds(1.5);

        await Assert.ThrowsExactlyAsync<TimeoutException>(() => experiment.RunAsync());

        Assert.AreEqual("epoch 1, batch 3 of 32", batches.Last, "no batch runs after the budget ran out");
        Assert.AreEqual(TrialState.Canceled, experiment.Trials.Single().State);
    }

    [TestMethod]
    public async Task Cancellation_StopsALongTrialWithinABatch()
    {
        var (ml, train, validation, featurizer) = Task(rows: 2000);
        var space = new SearchSpace<MlpSearchSpace> { ["Epochs"] = new ChoiceOption(1_000_000), ["BatchSize"] = new ChoiceOption(64) };
        // The caller cancels during the third batch of the first epoch.
        using var cancel = new CancellationTokenSource();
        var batches = new BatchRecorder(b => { if (b.Batch == 3) { cancel.Cancel(); } });
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(new MlpOptions { ThreadCount = 1 }, space, new DeepFitContext { BatchProgress = batches }))
            .SetMulticlassClassificationMetric()
            .SetMaxTrials(3);

        await Assert.ThrowsAsync<OperationCanceledException>(() => experiment.RunAsync(cancel.Token));

        Assert.AreEqual("epoch 1, batch 3 of 32", batches.Last, "no batch runs after the cancellation");
        Assert.AreEqual(TrialState.Canceled, experiment.Trials.Single().State);
    }

    [TestMethod]
    public async Task DivergingTrial_IsRecordedAsFailed_AndTheSweepGoesOn()
    {
        var ml = new MLContext(seed: 1);
        var space = new SearchSpace<MlpSearchSpace>
        {
            ["LearningRate"] = new ChoiceOption(1e-2, 1e12),
            ["Optimizer"] = new ChoiceOption("Sgd"),
        };
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(SweepData.Regression(ml, 300, 1), SweepData.Regression(ml, 200, 2))
            .SetPipeline(ml.DeepOptAuto().Mlp(Base, space))
            .SetRegressionMetric(RegressionMetric.RSquared)
            .SetRandomSearchTuner()
            .SetMaxTrials(8);

        var best = await experiment.RunAsync();

        var failed = experiment.Trials.Where(t => t.State == TrialState.Failed).ToList();
        Assert.IsTrue(failed.Count > 0 && failed.All(t => t.ErrorMessage!.Contains("diverged", StringComparison.Ordinal)),
            string.Join(" | ", experiment.Trials.Select(t => $"{t.State} {t.ErrorMessage}")));
        Assert.IsTrue(failed.All(t => t.TrialSettings.Parameter["LearningRate"].AsType<double>() > 1));
        Assert.AreEqual(1e-2, best.TrialSettings.Parameter["LearningRate"].AsType<double>());
        Assert.IsTrue(double.IsFinite(best.Metric));
    }

    [TestMethod]
    public async Task TwoTrainers_EciTriesBoth_AndTheParameterNamesTheWinner()
    {
        var (ml, train, validation, featurizer) = Task();
        var auto = ml.DeepOptAuto();
        var experiment = auto.CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, auto.Mlp(Base), auto.Mlp(new MlpOptions { ThreadCount = 1, Epochs = 3 }).Named("mlp2"))
            .SetMulticlassClassificationMetric()
            .SetMaxTrials(4);

        var best = await experiment.RunAsync();

        var names = experiment.Trials.Select(t => t.TrialSettings.Parameter[AutoML.Tuners.EciTuner.PipelineKey].AsType<string>()).ToHashSet();
        CollectionAssert.AreEquivalent(new[] { "mlp", "mlp2" }, names.ToArray());
        Assert.IsNotNull(best.Model);
    }

    [TestMethod]
    public async Task CrossValidation_ScoresTheMeanOverFolds()
    {
        var (ml, train, _, featurizer) = Task();
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, folds: 3)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(Base))
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
            .SetMaxTrials(2);

        var best = await experiment.RunAsync();

        Assert.IsTrue(best.Metric > 0.25 && best.Metric <= 1);
        Assert.IsNotNull(best.Model);
    }

    [TestMethod]
    public async Task SqliteStorage_ResumedSweepKeepsItsTrials_AndTheBestAlwaysHasAModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepopt-sweep-{Guid.NewGuid():N}.db");
        try
        {
            TrialResult first;
            var (ml, train, validation, featurizer) = Task();
            using (var experiment = Experiment(ml, train, validation, featurizer, path, maxTrials: 3))
            {
                first = await experiment.RunAsync();
                Assert.HasCount(3, experiment.Trials);
            }

            // A restart: a fresh context with the same seed, as a new process would have.
            (ml, train, validation, featurizer) = Task();
            using var resumed = Experiment(ml, train, validation, featurizer, path, maxTrials: 5);
            var best = await resumed.RunAsync();

            Assert.HasCount(5, resumed.Trials);
            CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, resumed.Trials.Select(t => t.TrialSettings.TrialId).Order().ToArray());
            Assert.IsTrue(best.Loss <= first.Loss);
            var model = best.Model ?? throw new AssertFailedException("a resumed sweep's best trial gets a model");
            double metric = ml.MulticlassClassification.Evaluate(model.Transform(validation)).MacroAccuracy;
            Assert.AreEqual(best.Metric, metric, 1e-9, "the refitted model reproduces the stored metric (same seed)");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [TestMethod]
    public async Task RunAsync_NoTunerSet_SearchesWithTheBayesianTuner()
    {
        var (ml, train, validation, featurizer) = Task(rows: 200);
        using var store = new DeepOpt.AutoML.Storage.InMemoryTrialStore();
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(Base))
            .SetMulticlassClassificationMetric()
            .SetStorage(store)
            .SetMaxTrials(1);

        await experiment.RunAsync();

        // The sweep's record names the tuner that proposed its trials.
        string definition = store.OpenSweep("default", "{}");
        StringAssert.Contains(definition, typeof(DeepOpt.AutoML.Tuners.BayesianTuner).FullName!);
    }

    [TestMethod]
    public async Task ParallelTrials_RunTogether_WithinTheBudget()
    {
        var (ml, train, validation, featurizer) = Task();
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp())
            .SetMulticlassClassificationMetric()
            .SetRandomSearchTuner()
            .SetParallelTrials(2)
            .SetMaxTrials(4);

        var best = await experiment.RunAsync();

        Assert.HasCount(4, experiment.Trials);
        Assert.IsTrue(experiment.Trials.All(t => t.State == TrialState.Completed));
        Assert.IsNotNull(best.Model);
    }

    [TestMethod]
    public async Task ParallelTrials_GiveTheSameTrialsAsOneAtATime()
    {
        // Each trial's fit draws only from its own seed, so trials run two at once (dropout and shuffling included)
        // give exactly the configurations and losses of the same sweep run one trial at a time. Before, they shared
        // libtorch's process-wide generator; the trials here are short, and overlap since each has its own thread.
        async Task<Dictionary<int, string>> Sweep(int parallelTrials)
        {
            var (ml, train, validation, featurizer) = Task();
            var space = new SearchSpace<MlpSearchSpace> { ["Epochs"] = new ChoiceOption(8), ["BatchSize"] = new ChoiceOption(32), ["Units"] = new ChoiceOption(32) };
            using var experiment = ml.DeepOptAuto().CreateExperiment()
                .SetDataset(train, validation)
                .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(Base, space))
                .SetMulticlassClassificationMetric()
                .SetRandomSearchTuner()
                .SetParallelTrials(parallelTrials)
                .SetMaxTrials(4);
            await experiment.RunAsync();
            return experiment.Trials.ToDictionary(
                t => t.TrialSettings.TrialId,
                t => $"{t.TrialSettings.Parameter.ToJson()} log-loss {t.Metrics["LogLoss"]:R} curve {string.Join(" ", t.IntermediateValues.Select(v => v.Loss.ToString("R")))}");
        }

        var alone = await Sweep(1);
        var together = await Sweep(2);
        Assert.HasCount(4, together);
        foreach (var (id, trial) in alone)
        {
            Assert.AreEqual(trial, together[id], $"trial {id}");
        }
    }

    /// <summary>Keeps the last batch a trainer reported, and runs an action on each (on the training thread).</summary>
    private sealed class BatchRecorder(Action<BatchReport> onBatch) : IProgress<BatchReport>
    {
        public string? Last { get; private set; }

        public void Report(BatchReport value)
        {
            Last = $"epoch {value.Epoch}, batch {value.Batch} of {value.TotalBatches}";
            onBatch(value);
        }
    }

    private static DeepOptExperiment Experiment(MLContext ml, IDataView train, IDataView validation, IEstimator<ITransformer> featurizer, string path, int maxTrials) =>
        ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, ml.DeepOptAuto().Mlp(Base))
            .SetMulticlassClassificationMetric()
            .SetRandomSearchTuner()
            .SetStorage(path)
            .SetMaxTrials(maxTrials);

    [TestMethod]
    public void BadSetup_GetsClearErrors()
    {
        var ml = new MLContext(seed: 1);
        var auto = ml.DeepOptAuto();

        var duplicate = Assert.ThrowsExactly<ArgumentException>(() => auto.CreateExperiment().SetPipeline(auto.Mlp(), auto.Mlp()));
        StringAssert.Contains(duplicate.Message, "Two trainers are named 'mlp'");

        var space = new SearchSpace<CnnSearchSpace>();
        space.Remove("Epochs");
        var missing = Assert.ThrowsExactly<ArgumentException>(() => auto.Cnn(null, space));
        StringAssert.Contains(missing.Message, "space[\"Epochs\"] = new ChoiceOption(10)");

        var noMetric = auto.CreateExperiment().SetDataset(SweepData.Classes(ml, 10, 1), SweepData.Classes(ml, 10, 2)).SetPipeline(auto.Mlp()).SetMaxTrials(1);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => noMetric.RunAsync().GetAwaiter().GetResult());
        StringAssert.Contains(error.Message, "SetMulticlassClassificationMetric");
    }
}
