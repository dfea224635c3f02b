// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tests.SearchSpace;

[TestClass]
public class UniformOptionTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void DoubleOption_RoundTrip_ReturnsSameValue(bool logBase)
    {
        var option = new UniformDoubleOption(1e-3, 10, logBase);
        foreach (double value in new[] { 1e-3, 0.01, 0.5, 3.3, 10 })
        {
            var feature = option.MappingToFeatureSpace(Parameter.FromDouble(value));
            Assert.IsTrue(feature[0] >= 0 && feature[0] <= 1);
            Assert.AreEqual(value, option.SampleFromFeatureSpace(feature).AsType<double>(), 1e-12 * value);
        }
    }

    [TestMethod]
    public void DoubleOption_FeatureEnds_AreBounds()
    {
        var option = new UniformDoubleOption(-5, 10);
        Assert.AreEqual(-5.0, option.SampleFromFeatureSpace([0.0]).AsType<double>());
        Assert.AreEqual(10.0, option.SampleFromFeatureSpace([1.0]).AsType<double>());
        Assert.AreEqual(2.5, option.SampleFromFeatureSpace([0.5]).AsType<double>(), 1e-12);
    }

    [TestMethod]
    public void DoubleOption_LogScale_CentreIsGeometricMean()
    {
        var option = new UniformDoubleOption(1e-5, 1, logBase: true);
        Assert.AreEqual(Math.Pow(10, -2.5), option.SampleFromFeatureSpace([0.5]).AsType<double>(), 1e-12);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void SingleOption_RoundTrip_ReturnsSameValue(bool logBase)
    {
        var option = new UniformSingleOption(0.5f, 8f, logBase);
        foreach (float value in new[] { 0.5f, 0.75f, 2f, 7.9f, 8f })
        {
            var sampled = option.SampleFromFeatureSpace(option.MappingToFeatureSpace(Parameter.FromFloat(value)));
            Assert.AreEqual(ParameterType.Float, sampled.ParameterType);
            Assert.AreEqual(value, sampled.AsType<float>(), 1e-5f * value);
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void IntOption_EveryValue_RoundTrips(bool logBase)
    {
        var option = new UniformIntOption(8, 512, logBase);
        for (int value = 8; value <= 512; value++)
        {
            var feature = option.MappingToFeatureSpace(Parameter.FromInt(value));
            Assert.AreEqual(value, option.SampleFromFeatureSpace(feature).AsType<int>());
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void IntOption_UpperBound_IsReachable(bool logBase)
    {
        var option = new UniformIntOption(1, 4, logBase);
        Assert.AreEqual(4, option.SampleFromFeatureSpace([1.0]).AsType<int>());
        Assert.AreEqual(4, option.SampleFromFeatureSpace([0.999]).AsType<int>());
        Assert.AreEqual(1, option.SampleFromFeatureSpace([0.0]).AsType<int>());

        // Uniform features reach every value, max included, with a share of the axis.
        var counts = new int[5];
        for (int i = 0; i < 1000; i++)
        {
            counts[option.SampleFromFeatureSpace([(i + 0.5) / 1000]).AsType<int>()]++;
        }

        Assert.IsTrue(counts.Skip(1).All(c => c > 0), string.Join(",", counts));
        if (!logBase)
        {
            Assert.IsTrue(counts.Skip(1).All(c => c == 250), string.Join(",", counts));
        }
    }

    [TestMethod]
    public void IntOption_Default_IsInitOrLowerBound()
    {
        Assert.AreEqual(3, new UniformIntOption(1, 10, defaultValue: 3).SampleFromFeatureSpace(new UniformIntOption(1, 10, defaultValue: 3).Default).AsType<int>());
        var noInit = new UniformIntOption(1, 10);
        Assert.AreEqual(0.0, noInit.Default[0]);
        Assert.AreEqual(1, noInit.SampleFromFeatureSpace(noInit.Default).AsType<int>());
    }

    [TestMethod]
    public void IntOption_Grid_IncludesBothBounds()
    {
        var small = new UniformIntOption(1, 5);
        var smallValues = small.GridFeatures(10)[0].Select(f => small.SampleFromFeatureSpace([f]).AsType<int>()).ToArray();
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5 }, smallValues);

        var large = new UniformIntOption(8, 512, logBase: true);
        var largeValues = large.GridFeatures(6)[0].Select(f => large.SampleFromFeatureSpace([f]).AsType<int>()).ToArray();
        Assert.AreEqual(8, largeValues.First());
        Assert.AreEqual(512, largeValues.Last());
        Assert.AreEqual(largeValues.Length, largeValues.Distinct().Count());
    }

    [TestMethod]
    public void Constructor_BadBounds_Throws()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new UniformDoubleOption(1, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new UniformDoubleOption(0, 1, logBase: true));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new UniformIntOption(0, 10, defaultValue: 11));
    }
}
