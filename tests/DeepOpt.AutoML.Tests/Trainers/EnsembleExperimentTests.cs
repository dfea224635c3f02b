// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.AutoML.Tests.Trainers;

[TestClass]
[DoNotParallelize]
public class EnsembleExperimentTests
{
    [TestMethod]
    public async Task CreateEnsembleAsync_AveragesTheBestTrials_RefitWithTheirOwnWeights()
    {
        var ml = new MLContext(seed: 1);
        var train = SweepData.Classes(ml, 400, 1);
        var validation = SweepData.Classes(ml, 300, 2);
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(ml.Transforms.Conversion.MapValueToKey("Label"), ml.DeepOptAuto().Mlp(new MlpOptions { ThreadCount = 1 }))
            .SetMulticlassClassificationMetric()
            .SetRandomSearchTuner()
            .SetMaxTrials(5);
        var best = await experiment.RunAsync();

        using var ensemble = await experiment.CreateEnsembleAsync(3);

        var ranked = experiment.BestTrials(3);
        Assert.HasCount(3, ensemble.Members);
        Assert.AreEqual(best.TrialSettings.TrialId, ranked[0].TrialSettings.TrialId, "the best trial leads");
        Assert.IsTrue(ranked.Zip(ranked.Skip(1)).All(p => p.First.Loss <= p.Second.Loss), "ranked by loss");
        var bestScores = best.Model!.Transform(validation).GetColumn<float[]>("Score").ToArray();
        var memberScores = ensemble.Members[0].Transform(validation).GetColumn<float[]>("Score").ToArray();
        for (int row = 0; row < bestScores.Length; row++)
        {
            CollectionAssert.AreEqual(bestScores[row], memberScores[row], $"row {row}: the best trial's refit has its weights");
        }

        var metrics = ml.MulticlassClassification.Evaluate(ensemble.Transform(validation));
        Assert.IsGreaterThan(0.5, metrics.MicroAccuracy, "the ensemble predicts the validation data");
        Assert.AreEqual(PredictionKind.MulticlassClassification, ensemble.Task);

        using var seeded = await experiment.CreateEnsembleAsync(1, seedsPerTrial: 2);
        Assert.HasCount(2, seeded.Members);
        var own = seeded.Members[0].Transform(validation).GetColumn<float[]>("Score").ToArray();
        var other = seeded.Members[1].Transform(validation).GetColumn<float[]>("Score").ToArray();
        CollectionAssert.AreEqual(bestScores[0], own[0], "the first seed is the trial's own");
        Assert.IsTrue(Enumerable.Range(0, own.Length).Any(row => !own[row].SequenceEqual(other[row])), "the second seed gives other weights");
        (best.Model as IDisposable)?.Dispose();
    }

    [TestMethod]
    public async Task CreateEnsembleAsync_BeforeARunOrWithNoCount_SaysWhatToDo()
    {
        var ml = new MLContext(seed: 1);
        var experiment = ml.DeepOptAuto().CreateExperiment();

        var notRun = await Assert.ThrowsAsync<InvalidOperationException>(() => experiment.CreateEnsembleAsync());
        StringAssert.Contains(notRun.Message, "RunAsync");
        var zero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => experiment.CreateEnsembleAsync(0));
        StringAssert.Contains(zero.Message, "1 or more");
        var noSeeds = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => experiment.CreateEnsembleAsync(2, seedsPerTrial: 0));
        StringAssert.Contains(noSeeds.Message, "seedsPerTrial");
    }
}
