// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Reports.TensorBoard;
using DeepOpt.Reports.Tests.Support;

namespace DeepOpt.Reports.Tests.TensorBoard;

[TestClass]
public class TensorBoardMonitorTests
{
    [TestMethod]
    public void ASweep_WritesOneRunPerTrialAndASweepRun()
    {
        var folder = Directory.CreateTempSubdirectory("deepopt-tb-");
        var trials = SyntheticSweep.Trials(6);
        var (completed, pruned, failed) = (trials[0], trials[4], trials[5]);
        var monitor = new TensorBoardMonitor(folder.FullName);

        monitor.ReportRunningTrial(completed.TrialSettings);
        monitor.ReportCompletedTrial(completed);
        monitor.ReportBestTrial(completed);
        monitor.ReportRunningTrial(pruned.TrialSettings);
        monitor.ReportPrunedTrial(pruned);
        monitor.ReportRunningTrial(failed.TrialSettings);
        monitor.ReportFailTrial(failed, new InvalidOperationException("boom"));

        var first = EventFile.ReadRun(monitor.TrialDirectory(0));
        var hparams = EventFile.Texts(first, "hparams").Single();
        StringAssert.Contains(hparams, "| LearningRate | ");
        StringAssert.Contains(hparams, "| Network.Hidden[0] | ");
        CollectionAssert.AreEqual(completed.IntermediateValues.Select(v => ((long)v.Step, (float)v.Loss)).ToList(), EventFile.Scalars(first, "intermediate/loss"));
        CollectionAssert.AreEqual(new[] { (5L, (float)completed.Loss) }, EventFile.Scalars(first, "final/loss"));
        CollectionAssert.AreEqual(new[] { "Completed" }, EventFile.Texts(first, "state"));

        var second = EventFile.ReadRun(monitor.TrialDirectory(4));
        CollectionAssert.AreEqual(new[] { (2L, (float)pruned.Loss) }, EventFile.Scalars(second, "final/loss"), "a pruned trial ends at its last step");
        CollectionAssert.AreEqual(new[] { "Pruned" }, EventFile.Texts(second, "state"));
        CollectionAssert.AreEqual(new[] { "Failed: boom" }, EventFile.Texts(EventFile.ReadRun(monitor.TrialDirectory(5)), "state"));

        var sweep = EventFile.ReadRun(Path.Combine(folder.FullName, "sweep"));
        CollectionAssert.AreEqual(new[] { (0L, (float)completed.Loss), (4L, (float)pruned.Loss) }, EventFile.Scalars(sweep, "trial/loss"));
        CollectionAssert.AreEqual(new[] { (0L, (float)completed.Loss) }, EventFile.Scalars(sweep, "best/loss"));
        folder.Delete(recursive: true);
    }

    [TestMethod]
    public void EveryReport_IsPassedOnToTheNextMonitor()
    {
        var folder = Directory.CreateTempSubdirectory("deepopt-tb-");
        var next = new CountingMonitor();
        var monitor = new TensorBoardMonitor(folder.FullName, next);
        var trial = SyntheticSweep.Trials(1)[0];

        monitor.ReportRunningTrial(trial.TrialSettings);
        monitor.ReportCompletedTrial(trial);
        monitor.ReportBestTrial(trial);
        monitor.ReportPrunedTrial(trial);
        monitor.ReportFailTrial(trial);

        Assert.AreEqual(5, next.Calls);
        folder.Delete(recursive: true);
    }

    private sealed class CountingMonitor : IMonitor
    {
        public int Calls { get; private set; }

        public void ReportRunningTrial(TrialSettings settings) => Calls++;

        public void ReportCompletedTrial(TrialResult result) => Calls++;

        public void ReportBestTrial(TrialResult result) => Calls++;

        public void ReportPrunedTrial(TrialResult result) => Calls++;

        public void ReportFailTrial(TrialResult result, Exception? exception = null) => Calls++;
    }
}
