// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tests.SearchSpace;

[TestClass]
public class ChoiceOptionTests
{
    private enum Color
    {
        Red,
        Green,
    }

    [TestMethod]
    public void RoundTrip_MixedCandidates_ReturnsEachCandidate()
    {
        object[] candidates = ["sgd", 3, 0.5, true, Color.Green, new[] { 32, 64 }];
        var option = new ChoiceOption(candidates);
        foreach (var candidate in candidates)
        {
            var value = Parameter.FromObject(candidate);
            var feature = option.MappingToFeatureSpace(value);
            Assert.AreEqual(value, option.SampleFromFeatureSpace(feature));
        }

        Assert.AreEqual(Color.Green, option.SampleFromFeatureSpace(option.MappingToFeatureSpace(Parameter.FromObject(Color.Green))).AsType<Color>());
        CollectionAssert.AreEqual(new[] { 32, 64 }, option.SampleFromFeatureSpace([1.0]).AsType<int[]>());
    }

    [TestMethod]
    public void Features_Choice_IsCategoricalWithCardinality()
    {
        var info = new ChoiceOption("a", "b", "c").Features.Single();
        Assert.AreEqual(FeatureKind.Categorical, info.Kind);
        Assert.AreEqual(3, info.Cardinality);
    }

    [TestMethod]
    public void Default_GivenOrFirst_IsSampledBack()
    {
        var option = new ChoiceOption(["a", "b", "c"], "c");
        Assert.AreEqual("c", option.SampleFromFeatureSpace(option.Default).AsType<string>());
        var first = new ChoiceOption("a", "b", "c");
        Assert.AreEqual("a", first.SampleFromFeatureSpace(first.Default).AsType<string>());
    }

    [TestMethod]
    public void Sample_UniformFeatures_EveryCandidateEquallyOften()
    {
        var option = new ChoiceOption("a", "b", "c", "d");
        var counts = Enumerable.Range(0, 400)
            .GroupBy(i => option.SampleFromFeatureSpace([(i + 0.5) / 400]).AsType<string>())
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.AreEqual(4, counts.Count);
        Assert.IsTrue(counts.Values.All(c => c == 100));
        Assert.AreEqual("d", option.SampleFromFeatureSpace([1.0]).AsType<string>());
    }

    [TestMethod]
    public void MappingToFeatureSpace_UnknownValue_Throws()
    {
        var option = new ChoiceOption("a", "b");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => option.MappingToFeatureSpace(Parameter.FromString("z")));
    }
}
