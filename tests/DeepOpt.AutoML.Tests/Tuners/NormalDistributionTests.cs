// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

[TestClass]
public class NormalDistributionTests
{
    [TestMethod]
    [DataRow(-1.0, 0.15865525)]
    [DataRow(0.0, 0.5)]
    [DataRow(1.96, 0.97500210)]
    public void Cdf_KnownValues_Match(double z, double expected)
    {
        Assert.AreEqual(expected, NormalDistribution.Cdf(z), 1e-7);
    }

    [TestMethod]
    public void LogExpectedImprovement_AroundSeriesSwitch_IsContinuousAndIncreasing()
    {
        double below = NormalDistribution.LogExpectedImprovement(-6.0001);
        double above = NormalDistribution.LogExpectedImprovement(-5.9999);
        Assert.AreEqual(above, below, 0.01);
        double previous = double.NegativeInfinity;
        for (double z = -40; z <= 5; z += 0.25)
        {
            double value = NormalDistribution.LogExpectedImprovement(z);
            Assert.IsTrue(double.IsFinite(value) && value > previous, $"z = {z}");
            previous = value;
        }
    }

    [TestMethod]
    public void LogExpectedImprovement_ModerateZ_MatchesClosedForm()
    {
        foreach (double z in new[] { -3.0, -0.5, 0.0, 2.0 })
        {
            double direct = (z * NormalDistribution.Cdf(z)) + NormalDistribution.Pdf(z);
            Assert.AreEqual(Math.Log(direct), NormalDistribution.LogExpectedImprovement(z), 1e-6);
        }
    }
}
