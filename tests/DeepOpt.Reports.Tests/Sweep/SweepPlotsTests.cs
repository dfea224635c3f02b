// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Reports.Sweep;
using DeepOpt.Reports.Tests.Support;

namespace DeepOpt.Reports.Tests.Sweep;

[TestClass]
public class SweepPlotsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryFigure_OfASweep_IsAValidNonTrivialPng()
    {
        var trials = SyntheticSweep.Trials();
        var importance = ParameterImportance.Compute(trials);

        Check("history", SweepPlots.OptimizationHistoryPng(trials), 900, 500);
        Check("importance", SweepPlots.ParameterImportancePng(importance, 600, 400), 600, 400);
        Check("parallel", SweepPlots.ParallelCoordinatesPng(trials, importance), 900, 500);
        Check("intermediate", SweepPlots.IntermediateValuesPng(trials), 900, 500);
    }

    [TestMethod]
    public void EveryFigure_OfAnEmptyOrFailedSweep_StillRenders()
    {
        var failed = new List<TrialResult> { new() { State = TrialState.Failed, Loss = double.NaN } };

        foreach (var trials in new[] { new List<TrialResult>(), failed })
        {
            PngAssert.IsNonTrivial(SweepPlots.OptimizationHistoryPng(trials), 900, 500);
            PngAssert.IsNonTrivial(SweepPlots.ParameterImportancePng(ParameterImportance.Compute(trials)), 900, 500);
            PngAssert.IsNonTrivial(SweepPlots.ParallelCoordinatesPng(trials), 900, 500);
            PngAssert.IsNonTrivial(SweepPlots.IntermediateValuesPng(trials), 900, 500);
        }
    }

    private void Check(string name, byte[] png, int width, int height)
    {
        PngAssert.IsNonTrivial(png, width, height);
        var path = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), $"sweep-{name}.png");
        File.WriteAllBytes(path, png);
        TestContext.AddResultFile(path);
    }

    [TestMethod]
    public void RenderPng_TooSmall_ThrowsNamingTheSize()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SweepPlots.OptimizationHistoryPng([], 10, 500));

        StringAssert.Contains(error.Message, "10 x 500");
    }
}
