// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tests.SearchSpace;

[TestClass]
public class ParameterTests
{
    [TestMethod]
    public void Json_SampledNestedParameter_RoundTrips()
    {
        var space = SearchSpaceTests.CreateNested();
        var random = new Random(11);
        for (int i = 0; i < 100; i++)
        {
            var feature = Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var parameter = space.SampleFromFeatureSpace(feature);
            string json = parameter.ToJson();
            var back = Parameter.FromJson(json);
            Assert.AreEqual(parameter, back, json);
            Assert.AreEqual(json, back.ToJson());
            CollectionAssert.AreEqual(space.MappingToFeatureSpace(parameter), space.MappingToFeatureSpace(back));
        }
    }

    [TestMethod]
    public void Json_TypedOptions_RoundTripsThroughAsType()
    {
        var space = new SearchSpace<SearchSpaceOfTTests.TrainOptions>();
        var parameter = space.SampleFromFeatureSpace(Enumerable.Repeat(0.37, space.FeatureSpaceDim).ToArray());
        var expected = parameter.AsType<SearchSpaceOfTTests.TrainOptions>();
        var actual = Parameter.FromJson(parameter.ToJson()).AsType<SearchSpaceOfTTests.TrainOptions>();
        Assert.AreEqual(expected.LearningRate, actual.LearningRate);
        Assert.AreEqual(expected.BatchSize, actual.BatchSize);
        Assert.AreEqual(expected.Dropout, actual.Dropout);
        Assert.AreEqual(expected.Optimizer, actual.Optimizer);
        Assert.AreEqual(expected.Model.Layers, actual.Model.Layers);
        Assert.AreEqual(expected.Model.Residual, actual.Model.Residual);
    }

    [TestMethod]
    public void Json_Document_HasPlainValues()
    {
        var parameter = Parameter.CreateNestedParameter();
        parameter["b"] = Parameter.FromInt(3);
        parameter["a"] = Parameter.FromArray([Parameter.FromString("x"), Parameter.FromBool(true), Parameter.FromDouble(0.25)]);
        Assert.AreEqual("{\"a\":[\"x\",true,0.25],\"b\":3}", parameter.ToJson());
    }

    [TestMethod]
    public void Equals_NumbersOfDifferentWidth_CompareByValue()
    {
        Assert.AreEqual(Parameter.FromInt(2), Parameter.FromDouble(2.0));
        Assert.AreNotEqual(Parameter.FromInt(2), Parameter.FromString("2"));
    }

    [TestMethod]
    public void Indexer_OnLeafParameter_Throws()
    {
        Assert.ThrowsExactly<InvalidOperationException>(() => Parameter.FromInt(1)["x"]);
    }
}
