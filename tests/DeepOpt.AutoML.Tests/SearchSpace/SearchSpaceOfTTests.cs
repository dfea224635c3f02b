// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;
using Microsoft.ML.SearchSpace;

namespace DeepOpt.AutoML.Tests.SearchSpace;

[TestClass]
public class SearchSpaceOfTTests
{
    public enum Optimizer
    {
        Sgd,
        Adam,
    }

    public class ModelOptions
    {
        [Range(1, 4)]
        public int Layers { get; set; }

        [BooleanChoice(true)]
        public bool Residual;
    }

    public class TrainOptions
    {
        [Range(1e-5, 1, 1e-3, true)]
        public double LearningRate { get; set; }

        [Range(8, 512, true)]
        public int BatchSize { get; set; }

        [Range(0f, 0.8f, false)]
        public float Dropout;

        [Choice(new object[] { "Sgd", "Adam" }, "Adam")]
        public Optimizer Optimizer { get; set; }

        [NestOption]
        public ModelOptions Model { get; set; } = new();

        public string NotSearched { get; set; } = "kept";
    }

    private static AutoML.SearchSpace.SearchSpace HandBuilt() => new()
    {
        ["LearningRate"] = new UniformDoubleOption(1e-5, 1, logBase: true, defaultValue: 1e-3),
        ["BatchSize"] = new UniformIntOption(8, 512, logBase: true),
        ["Dropout"] = new UniformSingleOption(0f, 0.8f),
        ["Optimizer"] = new ChoiceOption(["Sgd", "Adam"], "Adam"),
        ["Model"] = new AutoML.SearchSpace.SearchSpace
        {
            ["Layers"] = new UniformIntOption(1, 4),
            ["Residual"] = new ChoiceOption([false, true], true),
        },
    };

    [TestMethod]
    public void Build_AnnotatedClass_MatchesHandBuiltSpace()
    {
        var built = new SearchSpace<TrainOptions>();
        var hand = HandBuilt();
        CollectionAssert.AreEqual(hand.Features.ToArray(), built.Features.ToArray());
        CollectionAssert.AreEqual(hand.Default, built.Default);
        var random = new Random(7);
        for (int i = 0; i < 100; i++)
        {
            var feature = Enumerable.Range(0, hand.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            Assert.AreEqual(hand.SampleFromFeatureSpace(feature), built.SampleFromFeatureSpace(feature));
        }
    }

    [TestMethod]
    public void AsType_SampledParameter_FillsOptionsClass()
    {
        var space = new SearchSpace<TrainOptions>();
        var options = space.SampleFromFeatureSpace(space.Default).AsType<TrainOptions>();
        Assert.AreEqual(1e-3, options.LearningRate, 1e-15);
        Assert.AreEqual(8, options.BatchSize);
        Assert.AreEqual(0f, options.Dropout);
        Assert.AreEqual(Optimizer.Adam, options.Optimizer);
        Assert.AreEqual(1, options.Model.Layers);
        Assert.IsTrue(options.Model.Residual);
        Assert.AreEqual("kept", options.NotSearched);

        var top = space.SampleTyped(Enumerable.Repeat(1.0, space.FeatureSpaceDim).ToArray());
        Assert.AreEqual(512, top.BatchSize);
        Assert.AreEqual(4, top.Model.Layers);
    }

    [TestMethod]
    public void Constructor_DefaultOption_OverridesAttributeDefaults()
    {
        var start = new TrainOptions { LearningRate = 0.1, BatchSize = 64, Optimizer = Optimizer.Sgd, Model = new ModelOptions { Layers = 3 } };
        var space = new SearchSpace<TrainOptions>(start);
        var options = space.SampleTyped(space.Default);
        Assert.AreEqual(0.1, options.LearningRate, 1e-12);
        Assert.AreEqual(64, options.BatchSize);
        Assert.AreEqual(Optimizer.Sgd, options.Optimizer);
        Assert.AreEqual(3, options.Model.Layers);
        Assert.IsFalse(options.Model.Residual);
    }
}
