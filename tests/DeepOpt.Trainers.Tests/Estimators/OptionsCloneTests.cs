// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class OptionsCloneTests
{
    /// <summary>A tuner changes a clone's settings; the run's objects (validation data, progress, cancellation) are shared.</summary>
    [TestMethod]
    public void Clone_CopiesSettingsAndSharesTheRunsObjects()
    {
        var ml = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        var progress = new Progress<EpochReport>();
        var validation = ml.Data.LoadFromEnumerable(Synthetic.Blobs(10, 2, seed: 1));
        var options = new CnnOptions { ConvFilters = [4, 8], LearningRate = 0.01, ValidationSet = validation, Progress = progress, CancellationToken = cancellation.Token };

        var copy = (CnnOptions)options.Clone();
        copy.ConvFilters[0] = 16;
        copy.LearningRate = 0.5;

        CollectionAssert.AreEqual(new[] { 4, 8 }, options.ConvFilters, "the copy's arrays are its own");
        Assert.AreEqual(0.01, options.LearningRate);
        Assert.AreSame(validation, copy.ValidationSet);
        Assert.AreSame(progress, copy.Progress);
        Assert.AreEqual(cancellation.Token, copy.CancellationToken);
    }
}
