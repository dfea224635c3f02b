// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML.Tests.Trainers;

/// <summary>A sweep over options of the user's choosing: here the fine-tuning ones, from a pretrained model.</summary>
[TestClass]
[DoNotParallelize]
public class CustomSpaceTests
{
    public sealed class FineTuneSpace
    {
        [Choice(new object[] { 0, 1 }, 0)]
        public int FreezeBlocks { get; set; }

        [Range(0.1, 1.0, 1.0, false)]
        public double PretrainedLearningRateFactor { get; set; } = 1;
    }

    [TestMethod]
    public async Task Custom_SweepsTheFineTuningOptionsOfAPretrainedModel()
    {
        var ml = new MLContext(seed: 1);
        var featurizer = ml.Transforms.Conversion.MapValueToKey("Label");
        var train = SweepData.Classes(ml, 300, 1);
        var options = new MlpOptions { HiddenLayerSizes = [16], Epochs = 2, ThreadCount = 1 };
        using var pretrained = ml.MulticlassClassification.Trainers.Mlp(options).Fit(featurizer.Fit(train).Transform(train));
        var context = new DeepFitContext { Pretrained = pretrained };
        var trainer = ml.DeepOptAuto().Custom<MlpOptions, FineTuneSpace>("mlp", options, null, (space, o) =>
        {
            o.FreezeBlocks = space.FreezeBlocks;
            o.PretrainedLearningRateFactor = space.PretrainedLearningRateFactor;
        }, context);
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, SweepData.Classes(ml, 200, 2))
            .SetPipeline(featurizer, trainer)
            .SetMulticlassClassificationMetric()
            .SetGridSearchTuner(steps: 2)
            .SetMaxTrials(4);

        var best = await experiment.RunAsync();

        Assert.HasCount(4, experiment.Trials);
        Assert.IsTrue(experiment.Trials.All(t => t.State == TrialState.Completed), string.Join("; ", experiment.Trials.Select(t => t.ErrorMessage)));
        CollectionAssert.AreEquivalent(new[] { 0, 0, 1, 1 }, experiment.Trials.Select(t => t.TrialSettings.Parameter["FreezeBlocks"].AsType<int>()).ToArray());
        Assert.IsNotNull(best.Model);
    }

    [TestMethod]
    public async Task Custom_AppliesTheSpaceToTheOptionsAndPassesThePretrainedModel()
    {
        // Two blocks (the hidden layer and the output layer): freezing three is refused only once the pretrained
        // network is there, so the message shows both the option and the model reached the trial.
        var ml = new MLContext(seed: 1);
        var featurizer = ml.Transforms.Conversion.MapValueToKey("Label");
        var train = SweepData.Classes(ml, 200, 1);
        var options = new MlpOptions { HiddenLayerSizes = [8], Epochs = 1, ThreadCount = 1 };
        using var pretrained = ml.MulticlassClassification.Trainers.Mlp(options).Fit(featurizer.Fit(train).Transform(train));
        var space = new SearchSpace<FineTuneSpace> { ["FreezeBlocks"] = new ChoiceOption(3) };
        var trainer = ml.DeepOptAuto().Custom<MlpOptions, FineTuneSpace>("mlp", options, space, (s, o) => o.FreezeBlocks = s.FreezeBlocks, new DeepFitContext { Pretrained = pretrained });
        var experiment = ml.DeepOptAuto().CreateExperiment()
            .SetDataset(train, SweepData.Classes(ml, 100, 2))
            .SetPipeline(featurizer, trainer)
            .SetMulticlassClassificationMetric()
            .SetMaxTrials(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => experiment.RunAsync());
        StringAssert.Contains(error.Message, "this network has 2 blocks");
    }
}
