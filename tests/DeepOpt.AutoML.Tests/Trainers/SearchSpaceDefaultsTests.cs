// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML.Tests.Trainers;

[TestClass]
public class SearchSpaceDefaultsTests
{
    [TestMethod]
    public void CnnDefaultPoint_IsTheCheapStart_AndKeepsTheBaseOptions()
    {
        var ml = new MLContext(seed: 1);
        var baseOptions = new CnnOptions { FeatureColumnName = "Pixels", ImageHeight = 28, ImageWidth = 28, RandomErasingProbability = 0.25 };
        var trainer = ml.DeepOptAuto().Cnn(baseOptions);

        var options = (CnnOptions)trainer.CreateOptions(trainer.SearchSpace.SampleFromFeatureSpace(trainer.SearchSpace.Default));

        CollectionAssert.AreEqual(new[] { 16, 32 }, options.ConvFilters);
        Assert.AreEqual(2, options.Epochs);
        Assert.AreEqual(64, options.DenseUnits);
        Assert.AreEqual(OptimizerKind.Adam, options.Optimizer);
        Assert.AreEqual(1e-3, options.LearningRate, 1e-12);
        Assert.AreEqual("Pixels", options.FeatureColumnName);
        Assert.AreEqual(28, options.ImageHeight);
        Assert.AreEqual(0.25, options.RandomErasingProbability);
        Assert.AreNotSame(baseOptions, options);
        CollectionAssert.AreEqual(new CnnOptions().ConvFilters, baseOptions.ConvFilters, "the base options are not changed");
    }

    [TestMethod]
    public void LstmDefaultPoint_IsTheSmoothedBagOfWordsAndCharacterTrigrams()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.DeepOptAuto().Lstm(new LstmOptions { FeatureColumnName = "Text" });

        var options = (LstmOptions)trainer.CreateOptions(trainer.SearchSpace.SampleFromFeatureSpace(trainer.SearchSpace.Default));

        Assert.AreEqual(0, options.RecurrentLayers);
        Assert.AreEqual(0, options.ConvolutionFilters);
        Assert.AreEqual(SequencePoolingKind.Mean, options.Pooling);
        Assert.AreEqual(TokenizationKind.WordsAndCharacters, options.Tokenization);
        Assert.AreEqual(3, options.CharacterNGramLength);
        Assert.AreEqual(2, options.WordNGramLength);
        Assert.AreEqual(8, options.Epochs);
        Assert.AreEqual(1e-2, options.LearningRate, 1e-12);
        Assert.AreEqual(0.1, options.LabelSmoothing, 1e-12);
        Assert.AreEqual(0.3, options.Dropout, 1e-12);
        Assert.AreEqual(OptimizerKind.AdamW, options.Optimizer, "Adam's coupled weight decay shrinks rare tokens' embeddings");
        Assert.AreEqual("Text", options.FeatureColumnName);
    }

    [TestMethod]
    public void EverySampledPoint_GivesValidOptions()
    {
        var ml = new MLContext(seed: 1);
        var auto = ml.DeepOptAuto();
        var random = new Random(3);
        foreach (var trainer in new[] { auto.Cnn(), auto.Mlp(), auto.Lstm() })
        {
            for (int i = 0; i < 50; i++)
            {
                var point = Enumerable.Range(0, trainer.SearchSpace.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
                var options = trainer.CreateOptions(trainer.SearchSpace.SampleFromFeatureSpace(point));
                Assert.IsTrue(options.LearningRate is >= 1e-4 and <= 3e-2, $"{trainer.Name}: {options.LearningRate}");
                Assert.IsTrue(options.Epochs >= 1);
                Assert.IsTrue(options.LabelSmoothing is >= 0 and <= 0.2, $"{trainer.Name}: {options.LabelSmoothing}");
            }
        }
    }

    [TestMethod]
    public void UserOverride_ChangesTheRange()
    {
        var ml = new MLContext(seed: 1);
        var space = new SearchSpace<LstmSearchSpace> { ["HiddenSize"] = new UniformIntOption(100, 120) };
        var trainer = ml.DeepOptAuto().Lstm(searchSpace: space);

        var options = (LstmOptions)trainer.CreateOptions(space.SampleFromFeatureSpace(Enumerable.Repeat(0.5, space.FeatureSpaceDim).ToArray()));

        Assert.IsTrue(options.HiddenSize is >= 100 and <= 120);
    }
}
