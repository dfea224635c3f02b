// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class OneDnnWorkaroundTests
{
    /// <summary>On AMD processors with AVX-512, oneDNN's multi-threaded convolution backward pass returned NaN now and then.</summary>
    [TestMethod]
    public void ConvolutionBackward_OnTwoThreads_IsFiniteAndRepeatable()
    {
        OneDnnWorkaround.Apply();
        int threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try
        {
            torch.manual_seed(1);
            using var conv = nn.Conv2d(8, 8, 3, padding: 1);
            using var input = torch.rand(32, 8, 12, 12);
            float[]? first = null;
            for (int i = 0; i < 100; i++)
            {
                using var scope = torch.NewDisposeScope();
                var x = input.clone().requires_grad_(true);
                conv.forward(x).square().sum().backward();
                var gradient = x.grad!.data<float>().ToArray();
                conv.zero_grad();
                Assert.IsTrue(gradient.All(float.IsFinite), $"NaN or infinity in the input gradient at pass {i}");
                first ??= gradient;
                CollectionAssert.AreEqual(first, gradient, $"pass {i} differs from the first");
            }
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }
}
