// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

[TestClass]
public class Flow2Tests
{
    [TestMethod]
    public void Step_ScalesWithNumericFeatureDimension()
    {
        FeatureInfo[] features =
        [
            new("a", FeatureKind.Continuous, 0),
            new("b", FeatureKind.Continuous, 0),
            new("c", FeatureKind.Integer, 10),
            new("d", FeatureKind.Continuous, 0),
            new("e", FeatureKind.Categorical, 4),
        ];
        var flow2 = new Flow2(features, new double[5], new Random(0));
        Assert.AreEqual(0.1 * Math.Sqrt(4), flow2.Step, 1e-12);
        Assert.AreEqual((2 * 4) + 3, flow2.AllowedProposals);
    }

    [TestMethod]
    public void Propose_NoImprovement_TriesOppositeDirectionThenShrinks()
    {
        FeatureInfo[] features = [new("a", FeatureKind.Continuous, 0), new("b", FeatureKind.Continuous, 0)];
        var flow2 = new Flow2(features, [0.5, 0.5], new Random(1));
        var start = flow2.Propose();
        flow2.Report(start, 1.0);
        var forward = flow2.Propose();
        flow2.Report(forward, 2.0);
        var backward = flow2.Propose();
        flow2.Report(backward, 2.0);
        for (int i = 0; i < 2; i++)
        {
            Assert.AreEqual(start[i] - forward[i], backward[i] - start[i], 1e-12, "the opposite of the last direction");
        }

        double step = flow2.Step;
        for (int i = 0; i < flow2.AllowedProposals; i++)
        {
            flow2.Report(flow2.Propose(), 2.0);
        }

        Assert.IsTrue(flow2.Step < step);
        CollectionAssert.AreEqual(start, flow2.Incumbent);
    }

    [TestMethod]
    public void Propose_IntegersOnly_AlwaysLeavesTheIncumbentBin()
    {
        FeatureInfo[] features = [new("n", FeatureKind.Integer, 50)];
        var flow2 = new Flow2(features, [features[0].BinCentre(25)], new Random(2));
        var start = flow2.Propose();
        flow2.Report(start, 0.0);
        for (int i = 0; i < 30; i++)
        {
            var point = flow2.Propose();
            Assert.AreNotEqual(features[0].BinOf(start[0]), features[0].BinOf(point[0]));
            flow2.Report(point, 1.0);
        }
    }
}
