// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Reports.TensorBoard;
using DeepOpt.Reports.Tests.Support;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Reports.Tests.TensorBoard;

[TestClass]
public class TensorBoardProgressTests
{
    [TestMethod]
    public void Report_EachEpoch_WritesItsScalarsAtStepEqualToTheEpoch()
    {
        var folder = Directory.CreateTempSubdirectory("deepopt-tb-");
        var passedOn = new List<EpochReport>();
        var progress = new TensorBoardProgress(Path.Combine(folder.FullName, "run"), new Progress(passedOn));

        progress.Report(new EpochReport(1, 3, 0.9, 1.0, 0.5, 0.01, 0.2));
        progress.Report(new EpochReport(2, 3, 0.7, null, null, 0.005, 0.2));
        progress.Report(new EpochReport(3, 3, 0.5, 0.6, 0.8, 0.0025, 0.2));

        var events = EventFile.ReadRun(progress.LogDirectory);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        CollectionAssert.AreEqual(new[] { (1L, 0.9f), (2L, 0.7f), (3L, 0.5f) }, EventFile.Scalars(events, "loss/train"));
        CollectionAssert.AreEqual(new[] { (1L, 1.0f), (3L, 0.6f) }, EventFile.Scalars(events, "loss/validation"), "a missing value is skipped");
        CollectionAssert.AreEqual(new[] { (1L, 0.5f), (3L, 0.8f) }, EventFile.Scalars(events, "metric/validation"));
        CollectionAssert.AreEqual(new[] { (1L, 0.01f), (2L, 0.005f), (3L, 0.0025f) }, EventFile.Scalars(events, "learning_rate"));
        Assert.AreEqual(3, EventFile.Scalars(events, "epoch_seconds").Count);
        Assert.AreEqual(3, passedOn.Count, "every report is passed on");
        folder.Delete(recursive: true);
    }

    [TestMethod]
    public void Fit_WithTensorBoardProgress_LogsEveryEpoch()
    {
        var folder = Directory.CreateTempSubdirectory("deepopt-tb-");
        var ml = new MLContext(seed: 1);
        var random = new Random(2);
        var rows = Enumerable.Range(0, 100).Select(i => new Row
        {
            Label = i % 2 == 0 ? "a" : "b",
            Features = Enumerable.Range(0, 3).Select(_ => (i % 2 == 0 ? -1f : 1f) + (float)random.NextDouble()).ToArray(),
        });
        var progress = new TensorBoardProgress(folder.FullName);
        var options = new MlpOptions { HiddenLayerSizes = [4], Epochs = 2, ValidationFraction = 0.2, Seed = 1, ThreadCount = 1 };

        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.Mlp(options, new DeepFitContext { Progress = progress })).Fit(ml.Data.LoadFromEnumerable(rows));

        var events = EventFile.ReadRun(folder.FullName);
        var history = model.LastTransformer.History;
        CollectionAssert.AreEqual(history.Select(r => ((long)r.Epoch, (float)r.TrainLoss)).ToList(), EventFile.Scalars(events, "loss/train"));
        CollectionAssert.AreEqual(history.Select(r => ((long)r.Epoch, (float)r.ValidationMetric!.Value)).ToList(), EventFile.Scalars(events, "metric/validation"));
        folder.Delete(recursive: true);
    }

    private sealed class Progress(List<EpochReport> reports) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => reports.Add(value);
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }
}
