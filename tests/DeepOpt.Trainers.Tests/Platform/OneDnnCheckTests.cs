// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class OneDnnCheckTests
{
    private static readonly double[][] s_expected = [[1.0, 2.0]];

    [TestMethod]
    public void FirstFault_RightAndRepeatablePasses_IsNull()
    {
        Assert.IsNull(OneDnnCheck.FirstFault(5, () => [[1.0f, 2.0f]], s_expected, ["forward"]));
    }

    [TestMethod]
    public void FirstFault_NaNAtOnePass_NamesTheOutputAndThePass()
    {
        int pass = 0;
        string? fault = OneDnnCheck.FirstFault(20, () => [[1.0f, ++pass == 7 ? float.NaN : 2.0f]], s_expected, ["input gradient"]);
        Assert.AreEqual("input gradient was NaN at pass 7 of 20", fault);
    }

    [TestMethod]
    public void FirstFault_OffByMoreThanTheTolerance_SaysByHowMuch()
    {
        string? fault = OneDnnCheck.FirstFault(3, () => [[1.0f, 2.67f]], s_expected, ["inference output"]);
        StringAssert.StartsWith(fault, "inference output was off by 0.223 at pass 1");
    }

    [TestMethod]
    public void FirstFault_PassesThatDifferWithinTheTolerance_IsUnrepeatable()
    {
        int pass = 0;
        string? fault = OneDnnCheck.FirstFault(10, () => [[1.0f, 2.0f + (++pass == 4 ? 1e-6f : 0f)]], s_expected, ["weight gradient"]);
        Assert.AreEqual("weight gradient differed from the first pass at pass 4 of 10", fault);
    }

    /// <summary>The layers a CNN and an LSTM use are the shapes checked, each once.</summary>
    [TestMethod]
    public void LayerCases_CnnAndLstm_AreTheirConvolutionsAndRecurrentLayers()
    {
        using var cnn = new CnnNetwork(3, new CnnOptions { ImageHeight = 12, ImageWidth = 12, Channels = 1, ConvFilters = [4, 8], Residual = true });
        Assert.AreEqual(
            "1×1 convolution 1→4 (stride 1, padding 0) | 1×1 convolution 4→8 (stride 1, padding 0) | 3×3 convolution 1→4 (stride 1, padding 1) | 3×3 convolution 4→8 (stride 1, padding 1)",
            string.Join(" | ", OneDnnCheck.LayerCase.Of(cnn).Select(c => c.Name).Order(StringComparer.Ordinal)));
        using var lstm = new LstmNetwork(2, new LstmOptions { EmbeddingSize = 8, HiddenSize = 16, Bidirectional = true, IdCount = 50 });
        CollectionAssert.AreEqual(new[] { "LSTM 8→16", "LSTM 8→16" }, OneDnnCheck.LayerCase.Of(lstm).Select(c => c.Name).ToArray());
    }

    /// <summary>
    /// On this machine's libtorch the shapes that were once wrong (bench/README.md, "Findings") are right: the real check
    /// finds no fault, which is also what keeps oneDNN on in every other test.
    /// </summary>
    [TestMethod]
    [DataRow(1, 8)]
    [DataRow(4, 4)]
    [DataRow(8, 4)]
    [DataRow(8, 8)]
    [DataRow(16, 12)]
    [DataRow(24, 48)]
    [DataRow(64, 10)]
    public void ConvolutionCase_ShapesOnceWrong_HaveNoFaultOnTwoThreads(int inChannels, int outChannels)
    {
        using var threads = ThreadCountScope.Set(2);
        Assert.IsNull(new OneDnnCheck.ConvolutionCase(inChannels, outChannels, 3, 1, 1).FirstFault(OneDnnCheck.Passes));
    }

    [TestMethod]
    [DataRow(true, 16)]
    [DataRow(true, 64)]
    [DataRow(false, 16)]
    public void RecurrentCase_ShapesOnceWrong_HaveNoFaultOnTwoThreads(bool lstm, int hidden)
    {
        using var threads = ThreadCountScope.Set(2);
        Assert.IsNull(new OneDnnCheck.RecurrentCase(lstm, 8, hidden).FirstFault(OneDnnCheck.Passes));
    }

    /// <summary>The check compares for real: a convolution whose float32 side is not the layer it claims is caught.</summary>
    [TestMethod]
    public void FirstFault_ConvolutionAgainstAnotherLayersReference_IsOff()
    {
        using var scope = torch.NewDisposeScope();
        var input = torch.rand(2, 3, 6, 6);
        var weight = torch.randn(4, 3, 3, 3);
        var expected = new[] { nn.functional.conv2d(input.to(ScalarType.Float64), weight.to(ScalarType.Float64)).flatten().data<double>().ToArray() };
        string? fault = OneDnnCheck.FirstFault(3, () => [nn.functional.conv2d(input, weight * 1.01f).flatten().data<float>().ToArray()], expected, ["forward"]);
        StringAssert.StartsWith(fault, "forward was off by");
    }

    /// <summary>A fault turns oneDNN off for the process, once, and fits after it are still right.</summary>
    [TestMethod]
    public void Ensure_FaultyLayer_TurnsOneDnnOffOnceAndTrainingStillWorks()
    {
        Assert.IsTrue(LibTorchContext.OneDnnEnabled, "oneDNN should be on before the test (no fault on this machine)");
        var asked = new List<string>();
        var check = new OneDnnCheck(layer =>
        {
            asked.Add(layer.Name);
            return layer is OneDnnCheck.ConvolutionCase { OutChannels: 4 } ? "input gradient was NaN at pass 3 of 20" : null;
        });
        var error = new StringWriter();
        var console = Console.Error;
        Console.SetError(error);
        try
        {
            using var cnn = new CnnNetwork(3, new CnnOptions { ImageHeight = 12, ImageWidth = 12, Channels = 1, ConvFilters = [8, 4, 4] });
            check.Ensure(cnn, torch.CPU, null);
            check.Ensure(cnn, torch.CPU, null);

            CollectionAssert.AreEqual(new[] { "3×3 convolution 1→8 (stride 1, padding 1)", "3×3 convolution 8→4 (stride 1, padding 1)" }, asked);
            Assert.AreEqual("3×3 convolution 8→4 (stride 1, padding 1): input gradient was NaN at pass 3 of 20", check.Fault);
            Assert.IsFalse(LibTorchContext.OneDnnEnabled, "the fault must turn oneDNN off");
            StringAssert.Contains(error.ToString(), "oneDNN computed a 3×3 convolution 8→4 (stride 1, padding 1) wrongly on this machine");
            Assert.AreEqual(1, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, error.ToString());

            // libtorch's own kernels now compute the layers the fault was in, and they are right.
            Assert.IsNull(new OneDnnCheck.ConvolutionCase(8, 4, 3, 1, 1).FirstFault(5));
            Assert.IsNull(new OneDnnCheck.RecurrentCase(true, 8, 16).FirstFault(5));
        }
        finally
        {
            Console.SetError(console);
            LibTorchContext.SetOneDnnEnabled(true);
        }
    }

    [TestMethod]
    public void Ensure_OnAnotherDevice_ChecksNothing()
    {
        var check = new OneDnnCheck(_ => throw new AssertFailedException("nothing runs through oneDNN off the CPU"));
        check.Ensure([new OneDnnCheck.ConvolutionCase(8, 4, 3, 1, 1)], new Device("cuda:0"), null);
        Assert.IsNull(check.Fault);
    }
}
