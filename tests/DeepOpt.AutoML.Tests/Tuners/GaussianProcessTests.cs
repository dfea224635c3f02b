// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

[TestClass]
public class GaussianProcessTests
{
    private static GaussianProcess Fit(double[][] x, double[] y)
    {
        var model = new GaussianProcess([0], [0.3], [0.01]);
        model.SetData(x, y);
        model.FitHyperparameters([1.0, 0.5, 0.25]);
        return model;
    }

    [TestMethod]
    public void Predict_AtTrainingPoints_InterpolatesWithSmallVariance()
    {
        double[][] x = [[0.1], [0.3], [0.5], [0.7], [0.9]];
        double[] y = x.Select(p => Math.Sin(6 * p[0])).ToArray();
        var model = Fit(x, y);
        var mean = new double[x.Length];
        var variance = new double[x.Length];
        model.Predict(x, mean, variance);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.AreEqual(y[i], mean[i], 0.05);
            Assert.IsTrue(variance[i] < 0.01, $"variance {variance[i]}");
        }
    }

    [TestMethod]
    public void Predict_AwayFromData_VarianceGrows()
    {
        double[][] x = [[0.0], [0.05], [0.1], [0.15]];
        var model = Fit(x, [0.0, 0.2, 0.4, 0.6]);
        var mean = new double[2];
        var variance = new double[2];
        model.Predict([[0.12], [0.95]], mean, variance);
        Assert.IsTrue(variance[1] > 10 * variance[0], $"near {variance[0]}, far {variance[1]}");
    }

    [TestMethod]
    public void Factorize_DuplicatePoints_StaysPositiveDefinite()
    {
        double[][] x = [[0.5], [0.5], [0.5], [0.2]];
        var model = new GaussianProcess([0], [0.3], [0.01]);
        model.SetData(x, [1.0, 1.0, 1.0, -1.0]);
        double lml = model.Factorize();
        Assert.IsTrue(double.IsFinite(lml));
    }
}
