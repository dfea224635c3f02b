// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tests.Storage;
using DeepOpt.AutoML.Tuners;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML.Tests.Trainers;

[TestClass]
[DoNotParallelize]
public class DeepOptWarmStartTests
{
    [TestMethod]
    public async Task SetWarmStart_FromASweepOfTwoTrainers_OneTrainerSweepTakesItsTrainersTrials()
    {
        var ml = new MLContext(seed: 1);
        var (train, validation) = (SweepData.Classes(ml, 400, 1), SweepData.Classes(ml, 300, 2));
        var featurizer = ml.Transforms.Conversion.MapValueToKey("Label");
        var auto = ml.DeepOptAuto();
        string path = TestDatabases.SqlitePath();
        using (var earlier = auto.CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, auto.Mlp(new MlpOptions { ThreadCount = 1 }), auto.Mlp(new MlpOptions { ThreadCount = 1 }).Named("other"))
            .SetMulticlassClassificationMetric()
            .SetCostFrugalTuner()
            .SetStorage(path)
            .SetMaxTrials(5))
        {
            await earlier.RunAsync();
        }

        using var experiment = auto.CreateExperiment()
            .SetDataset(train, validation)
            .SetPipeline(featurizer, auto.Mlp(new MlpOptions { ThreadCount = 1 }))
            .SetMulticlassClassificationMetric()
            .SetCostFrugalTuner()
            .SetWarmStart(path)
            .SetMaxTrials(2);
        await experiment.RunAsync();

        using var source = new SqliteTrialStore(path);
        var stored = source.GetTrials("default").Select(t => t.Result).ToList();
        static string Trainer(TrialResult t) => t.TrialSettings.Parameter[EciTuner.PipelineKey].AsType<string>();
        var mlp = stored.Where(t => Trainer(t) == "mlp").ToList();
        var summary = experiment.WarmStart!;
        Assert.HasCount(mlp.Count, summary.Trials);
        Assert.AreEqual(stored.Count - mlp.Count, summary.Skipped["trainer 'other' is not in this sweep"]);
        CollectionAssert.AreEqual(mlp.Select(t => t.TrialSettings.Parameter["mlp"].ToJson()).ToArray(),
            summary.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).ToArray(), "each trial's own options, unwrapped");

        var best = mlp.MinBy(t => t.Loss)!;
        Assert.AreEqual(best.TrialSettings.Parameter["mlp"], experiment.Trials[0].TrialSettings.Parameter, "cost-frugal starts from it");
        Assert.HasCount(2, experiment.Trials);
    }
}
