// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class SmallConvolutionTests
{
    /// <summary>oneDNN's input gradient for few output channels was NaN now and then, and not repeatable, on 2 threads.</summary>
    [TestMethod]
    [DataRow(8, 8, 1, 1)]
    [DataRow(8, 4, 1, 1)]
    [DataRow(1, 9, 2, 0)]
    [DataRow(16, 32, 1, 1)]
    public void Forward_InputNeedsGradient_GradientIsFiniteRepeatableAndRight(int inChannels, int outChannels, int stride, int padding)
    {
        int threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try
        {
            torch.manual_seed(1);
            using var convolution = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: padding);
            using var input = torch.rand(32, inChannels, 12, 12);
            var (expectedOutput, expectedGradient) = Reference(convolution, input, stride, padding);
            float[]? first = null;
            for (int pass = 0; pass < 60; pass++)
            {
                using var scope = torch.NewDisposeScope();
                var x = input.clone().requires_grad_(true);
                var output = SmallConvolution.Forward(convolution, x, stride, padding);
                (output * output).sum().backward();
                var gradient = x.grad!.data<float>().ToArray();
                convolution.zero_grad();
                Assert.IsTrue(gradient.All(float.IsFinite), $"NaN or infinity in the input gradient at pass {pass}");
                first ??= gradient;
                CollectionAssert.AreEqual(first, gradient, $"pass {pass} differs from the first");
                if (pass == 0)
                {
                    AssertClose(expectedOutput, output.contiguous().data<float>().ToArray(), "output");
                    AssertClose(expectedGradient, gradient, "input gradient");
                }
            }
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    [TestMethod]
    public void Forward_InputWithoutGradient_IsTheLayersOwnConvolution()
    {
        using var convolution = nn.Conv2d(3, 8, 3, padding: 1);
        using var input = torch.rand(4, 3, 10, 10);
        using var expected = convolution.forward(input);
        using var output = SmallConvolution.Forward(convolution, input, 1, 1);
        CollectionAssert.AreEqual(expected.data<float>().ToArray(), output.data<float>().ToArray());
    }

    /// <summary>The convolution in double precision, which libtorch computes with its own kernels rather than oneDNN's.</summary>
    private static (float[] Output, float[] Gradient) Reference(nn.Module<Tensor, Tensor> convolution, Tensor input, int stride, int padding)
    {
        using var scope = torch.NewDisposeScope();
        var parameters = convolution.parameters().ToArray();
        var x = input.to(ScalarType.Float64).requires_grad_(true);
        var output = nn.functional.conv2d(x, parameters[0].detach().to(ScalarType.Float64), parameters[1].detach().to(ScalarType.Float64), strides: new long[] { stride, stride }, padding: new long[] { padding, padding });
        (output * output).sum().backward();
        return (output.to(ScalarType.Float32).data<float>().ToArray(), x.grad!.to(ScalarType.Float32).data<float>().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-4 + (1e-4 * Math.Abs(expected[i])), $"{what} at {i}");
        }
    }
}
