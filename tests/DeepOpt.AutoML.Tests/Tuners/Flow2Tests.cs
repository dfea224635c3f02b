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
        Assert.AreEqual(0.2 * Math.Sqrt(4), flow2.Step, 1e-12);
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
    public void Propose_FromTheAllMinimumCorner_NeverReturnsTheCornerAgain()
    {
        // A space without init values starts at the corner; a move out of the cube is reflected, never clamped back.
        FeatureInfo[] features = [new("a", FeatureKind.Continuous, 0), new("b", FeatureKind.Continuous, 0), new("c", FeatureKind.Continuous, 0)];
        var flow2 = new Flow2(features, [0, 0, 0], new Random(3));
        var corner = flow2.Propose();
        flow2.Report(corner, 1.0);
        for (int i = 0; i < 30; i++)
        {
            var point = flow2.Propose();
            Assert.IsTrue(point.Any(v => v > 1e-9), $"proposal {i} is the corner");
            Assert.AreEqual(flow2.Step, Math.Sqrt(point.Sum(v => v * v)), 1e-9, "a reflected move keeps its length");
            flow2.Report(point, 2.0);
            if (flow2.Converged)
            {
                break;
            }
        }
    }

    [TestMethod]
    public void Report_NoProgress_StallsAfterThreeHalvings()
    {
        FeatureInfo[] features = [new("a", FeatureKind.Continuous, 0), new("b", FeatureKind.Continuous, 0)];
        var flow2 = new Flow2(features, [0.5, 0.5], new Random(2));
        flow2.Report(flow2.Propose(), 1.0);
        int proposals = 0;
        while (!flow2.Converged)
        {
            flow2.Report(flow2.Propose(), 1.0);
            proposals++;
        }

        // Stalled long before the step reaches its 1e-5 lower bound.
        Assert.AreEqual(Flow2.StallHalvings * flow2.AllowedProposals, proposals);
        Assert.IsTrue(flow2.Step > 1000 * flow2.StepLowerBound);
    }

    [TestMethod]
    public void Report_TinyImprovements_AreNotProgress()
    {
        // Creeping down by ever smaller amounts (here 1e-6 of the gain so far) moves the incumbent, but the thread stalls.
        FeatureInfo[] features = [new("a", FeatureKind.Continuous, 0), new("b", FeatureKind.Continuous, 0)];
        var flow2 = new Flow2(features, [0.5, 0.5], new Random(2));
        flow2.Report(flow2.Propose(), 1.0);
        var first = flow2.Propose();
        flow2.Report(first, 0.0);
        double loss = 0.0;
        int proposals = 0;
        while (!flow2.Converged && proposals < 1000)
        {
            loss -= 1e-6;
            flow2.Report(flow2.Propose(), loss);
            proposals++;
        }

        Assert.IsTrue(flow2.Converged, "tiny improvements keep the thread alive forever");
        Assert.AreEqual(loss, flow2.IncumbentLoss);
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
