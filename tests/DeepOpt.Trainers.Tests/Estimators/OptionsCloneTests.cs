// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class OptionsCloneTests
{
    /// <summary>A tuner changes a clone's settings without touching the original.</summary>
    [TestMethod]
    public void Clone_CopiesSettingsIntoArraysOfItsOwn()
    {
        var options = new CnnOptions { ConvFilters = [4, 8], LearningRate = 0.01 };

        var copy = (CnnOptions)options.Clone();
        copy.ConvFilters[0] = 16;
        copy.LearningRate = 0.5;

        CollectionAssert.AreEqual(new[] { 4, 8 }, options.ConvFilters, "the copy's arrays are its own");
        Assert.AreEqual(0.01, options.LearningRate);
    }

    /// <summary>Options are plain data: every public property is a setting that a copy (and a saved model) keeps; the
    /// run's objects live in <see cref="DeepFitContext"/>.</summary>
    [TestMethod]
    public void Clone_KeepsEveryPublicProperty()
    {
        var options = new LstmOptions { HiddenSize = 7, Milestones = [2, 4], Seed = 3, Device = "cpu", ClassWeights = [1, 2], Loss = LossKind.Huber };

        var copy = options.Clone();

        foreach (var property in typeof(LstmOptions).GetProperties())
        {
            Assert.AreEqual(JsonSerializer.Serialize(property.GetValue(options)), JsonSerializer.Serialize(property.GetValue(copy)), property.Name);
        }
    }
}
