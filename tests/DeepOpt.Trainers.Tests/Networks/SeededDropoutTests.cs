// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class SeededDropoutTests
{
    [TestMethod]
    public void Forward_Training_DrawsItsMaskFromItsGeneratorOnly()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new SeededDropout(0.3);
        dropout.train();
        var input = torch.ones(200, 50);
        Tensor Draw(int processSeed)
        {
            torch.manual_seed(processSeed);
            using var generator = new torch.Generator(5, torch.CPU);
            dropout.Generator = generator;
            var output = dropout.forward(input);
            dropout.Generator = null;
            return output;
        }

        var first = Draw(1);
        var second = Draw(2);
        Assert.IsTrue(first.Equals(second), "the process-wide seed changed the mask");
        double zeroed = first.eq(0).to(ScalarType.Float32).mean().item<float>();
        Assert.AreEqual(0.3, zeroed, 0.02, "fraction zeroed");
        Assert.AreEqual(1 / 0.7, first.max().item<float>(), 1e-5, "kept elements are scaled by 1 / (1 - p)");
    }

    [TestMethod]
    public void Forward_Evaluation_PassesTheInputOn()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new SeededDropout(0.5);
        dropout.eval();
        var input = torch.randn(4, 6);
        Assert.IsTrue(dropout.forward(input).Equals(input));
    }

    [TestMethod]
    public void Forward_ProbabilityOne_GivesZeros()
    {
        using var scope = torch.NewDisposeScope();
        using var dropout = new SeededDropout(1);
        dropout.train();
        var output = dropout.forward(torch.ones(3, 3));
        Assert.AreEqual(0, output.abs().sum().item<float>());
        Assert.IsTrue(output.isfinite().all().item<bool>());
    }
}
