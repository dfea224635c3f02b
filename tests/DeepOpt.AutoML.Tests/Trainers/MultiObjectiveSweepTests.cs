// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.Pruners;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML.Tests.Trainers;

[TestClass]
[DoNotParallelize]
public class MultiObjectiveSweepTests
{
    [TestMethod]
    public async Task RunParetoAsync_AccuracyAgainstLatency_MeasuresEveryTrialAndFitsTheFrontsModels()
    {
        var ml = new MLContext(seed: 1);
        var train = SweepData.Classes(ml, 400, 1);
        var validation = SweepData.Classes(ml, 200, 2);
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(ml.Transforms.Conversion.MapValueToKey("Label"), ml.DeepOptAuto().Mlp(new MlpOptions { ThreadCount = 1, Epochs = 3 }))
            .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MicroAccuracy)
            .SetObjectives(
                [Objective.Maximize("MicroAccuracy"), Objective.Minimize(TrialMeasures.LatencyInMilliseconds)],
                [Constraint.AtMost(TrialMeasures.ParameterCount, 1_000_000)])
            .SetPruner(new ParetoPruner(new ObjectiveSet([Objective.Maximize("MicroAccuracy"), Objective.Minimize(TrialMeasures.ParameterCount)]), "MicroAccuracy"))
            .SetMaxTrials(6);

        var front = await experiment.RunParetoAsync(withModels: true);

        Assert.IsNotEmpty(front);
        foreach (var trial in experiment.Trials.Where(t => t.State == AutoML.Experiment.TrialState.Completed))
        {
            Assert.IsGreaterThan(0.0, trial.Metrics[TrialMeasures.LatencyInMilliseconds]);
            Assert.IsGreaterThan(0.0, trial.Metrics[TrialMeasures.ParameterCount]);
            Assert.IsGreaterThan(0.0, trial.Metrics[TrialMeasures.TrainingTimeInSeconds]);
            Assert.IsFalse(trial.Metrics.ContainsKey(TrialMeasures.ModelSizeInBytes), "measured only when an objective names it");
            Assert.AreEqual(trial.Metrics[TrialMeasures.ParameterCount], trial.IntermediateValues[0].Measures![TrialMeasures.ParameterCount],
                "the parameter count goes with every epoch's report, for the pruner");
        }

        // A chosen set of front trials becomes one model; a trial without a model to refit is refused.
        using (var ensemble = await experiment.CreateEnsembleAsync(experiment.ParetoFront))
        {
            Assert.HasCount(front.Count, ensemble.Members);
            Assert.IsGreaterThan(0.5, ml.MulticlassClassification.Evaluate(ensemble.Transform(validation)).MicroAccuracy);
        }

        var pruned = new AutoML.Experiment.TrialResult { TrialSettings = new AutoML.Experiment.TrialSettings { TrialId = 99 }, State = AutoML.Experiment.TrialState.Pruned };
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => experiment.CreateEnsembleAsync([pruned]));
        StringAssert.Contains(refused.Message, "Trial 99 is Pruned, not completed");

        foreach (var trial in front)
        {
            var metrics = ml.MulticlassClassification.Evaluate(trial.Model!.Transform(validation));
            Assert.AreEqual(trial.Metrics["MicroAccuracy"], metrics.MicroAccuracy, 1e-9, $"trial {trial.TrialSettings.TrialId}'s model is its own");
            (trial.Model as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public async Task SetObjectives_UnknownName_RefusedBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        using var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(SweepData.Classes(ml, 50, 1), SweepData.Classes(ml, 50, 2))
            .SetPipeline(ml.Transforms.Conversion.MapValueToKey("Label"), ml.DeepOptAuto().Mlp(new MlpOptions { ThreadCount = 1 }))
            .SetMulticlassClassificationMetric()
            .SetObjectives([Objective.Maximize("MacroAccuracy"), Objective.Minimize("Latency")])
            .SetMaxTrials(2);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => experiment.RunParetoAsync());

        StringAssert.Contains(error.Message, "'Latency' is neither a metric of this task (MicroAccuracy, MacroAccuracy, LogLoss, LogLossReduction)");
        StringAssert.Contains(error.Message, "LatencyInMilliseconds");
        Assert.IsEmpty(experiment.Trials, "nothing trained");
    }
}
