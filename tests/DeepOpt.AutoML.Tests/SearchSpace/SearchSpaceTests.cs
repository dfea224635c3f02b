// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tests.SearchSpace;

[TestClass]
public class SearchSpaceTests
{
    internal static AutoML.SearchSpace.SearchSpace CreateNested() => new()
    {
        ["lr"] = new UniformDoubleOption(1e-5, 1, logBase: true, defaultValue: 1e-3),
        ["batch"] = new UniformIntOption(8, 512, logBase: true),
        ["optimizer"] = new ChoiceOption(["sgd", "adam"], "adam"),
        ["model"] = new AutoML.SearchSpace.SearchSpace
        {
            ["units"] = new UniformIntOption(1, 4),
            ["dropout"] = new UniformSingleOption(0f, 0.8f),
            ["residual"] = new ChoiceOption(false, true),
        },
    };

    [TestMethod]
    public void Features_NestedSpace_OrderedByKeyDepthFirst()
    {
        var names = CreateNested().Features.Select(f => f.Name).ToArray();
        CollectionAssert.AreEqual(
            new[] { "batch", "lr", "model.dropout", "model.residual", "model.units", "optimizer" }, names);
    }

    [TestMethod]
    public void RoundTrip_RandomFeatures_SampleIsStable()
    {
        var space = CreateNested();
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var feature = Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var parameter = space.SampleFromFeatureSpace(feature);
            var back = space.MappingToFeatureSpace(parameter);
            Assert.IsTrue(back.All(v => v >= 0 && v <= 1));
            Assert.AreEqual(parameter, space.SampleFromFeatureSpace(back));
        }
    }

    [TestMethod]
    public void Default_UsesInitValuesElseLowerBoundsAndFirstChoice()
    {
        var space = CreateNested();
        var parameter = space.SampleFromFeatureSpace(space.Default);
        Assert.AreEqual(1e-3, parameter["lr"].AsType<double>(), 1e-15);
        Assert.AreEqual(8, parameter["batch"].AsType<int>());
        Assert.AreEqual("adam", parameter["optimizer"].AsType<string>());
        Assert.AreEqual(1, parameter["model"]["units"].AsType<int>());
        Assert.AreEqual(0f, parameter["model"]["dropout"].AsType<float>());
        Assert.IsFalse(parameter["model"]["residual"].AsType<bool>());
    }

    [TestMethod]
    public void SampleFromFeatureSpace_WrongLength_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => CreateNested().SampleFromFeatureSpace([0.5]));
    }

    [TestMethod]
    public void MappingToFeatureSpace_MissingKey_Throws()
    {
        var space = new AutoML.SearchSpace.SearchSpace { ["a"] = new UniformDoubleOption(0, 1) };
        Assert.ThrowsExactly<ArgumentException>(() => space.MappingToFeatureSpace(Parameter.CreateNestedParameter()));
    }
}
