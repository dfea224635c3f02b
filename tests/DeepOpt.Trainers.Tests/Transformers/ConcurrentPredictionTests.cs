// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Threads predicting with one model run their forward passes at once, and each gets its own rows' scores.</summary>
[TestClass]
public sealed class ConcurrentPredictionTests
{
    /// <summary>The hang guard of the overlap test: only reached when passes cannot overlap.</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Each of two threads' forward passes waits inside the network until the other's has started. Before, one lock per
    /// model ran every pass alone, so the first pass waited for a second that could never start.
    /// </summary>
    [TestMethod]
    public void Predict_TwoThreads_ForwardPassesOverlap()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 2, seed: 1);
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [4], Epochs = 1 }).Fit(data);
        using var bothInside = new Barrier(2);
        var hook = model.Network.register_forward_pre_hook((_, input) =>
        {
            Assert.IsTrue(bothInside.SignalAndWait(s_hangGuard), "the other thread's forward pass never started while this one ran");
            return input;
        });

        var rows = Synthetic.Blobs(2, 2, seed: 2);
        var passes = rows.Select(row => Task.Run(() =>
        {
            using var engine = ml.Model.CreatePredictionEngine<VectorRow, DeepPredictionTransformerTests.ScoreRow>(model, new PredictionEngineOptions { OwnsTransformer = false });
            return engine.Predict(row).Score;
        })).ToArray();
        Assert.IsTrue(Task.WaitAll(passes, s_hangGuard * 2), "the predictions did not finish");
        hook.remove();
    }

    /// <summary>Eight threads, 200 predictions each, give every row the scores a single thread gives it.</summary>
    [TestMethod]
    public void Predict_EightThreads_EachRowGetsItsOwnScores()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 200, 3, seed: 1);
        using var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], BatchNorm = true, Dropout = 0.3, Epochs = 2 }).Fit(data);
        var rows = Synthetic.Blobs(200, 3, seed: 3);
        float[][] expected;
        using (var engine = ml.Model.CreatePredictionEngine<VectorRow, DeepPredictionTransformerTests.ScoreRow>(model, new PredictionEngineOptions { OwnsTransformer = false }))
        {
            expected = rows.Select(row => engine.Predict(row).Score.ToArray()).ToArray();
        }

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            using var engine = ml.Model.CreatePredictionEngine<VectorRow, DeepPredictionTransformerTests.ScoreRow>(model, new PredictionEngineOptions { OwnsTransformer = false });
            for (int i = 0; i < rows.Count; i++)
            {
                int row = (i + (thread * 25)) % rows.Count;
                CollectionAssert.AreEqual(expected[row], engine.Predict(rows[row]).Score, new Close(1e-6), $"thread {thread}, row {row}");
            }
        });
    }

    private sealed class Close(double tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= tolerance ? 0 : 1;
    }
}
