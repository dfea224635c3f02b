// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using DeepOpt.Trainers;
using TorchSharp;

namespace DeepOpt.AutoML.Tests.Trainers;

[TestClass]
[DoNotParallelize]
public class PeakMemoryTests
{
    [TestMethod]
    public void PeakMemory_AfterALargerTrial_IsTheTrialsOwn()
    {
        // With DeepOpt's malloc settings in force, the heap is not trimmed. An earlier trial's activations (4 MB blocks,
        // 512 MB in all) are freed between small blocks that stay, as a model's do, so no heap can be released whole.
        RuntimeHelpers.RunModuleConstructor(typeof(CnnOptions).Module.ModuleHandle);
        double before = Environment.WorkingSet / (1024.0 * 1024.0);
        var kept = new List<torch.Tensor>();
        var freed = new List<torch.Tensor>();
        for (int i = 0; i < 128; i++)
        {
            freed.Add(torch.ones(1L << 20));
            kept.Add(torch.ones(1L << 12));
        }

        freed.ForEach(t => t.Dispose());
        double left = Environment.WorkingSet / (1024.0 * 1024.0);

        double peak;
        using (var memory = new PeakMemory())
        {
            using var own = torch.ones(8L << 20);
            peak = memory.Megabytes;
        }

        kept.ForEach(t => t.Dispose());
        Assert.IsTrue(peak < before + 200, $"peak {peak:F0} MB: {before:F0} MB before, {left:F0} MB once the earlier trial's blocks were freed");
    }
}
