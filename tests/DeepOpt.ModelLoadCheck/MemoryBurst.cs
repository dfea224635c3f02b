// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Runtime.InteropServices;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>
/// What DeepOpt leaves of the process: after predicting with a loaded model (or after training one), a burst of 64
/// native blocks of 4 MiB is written and freed, as a burst of large batches would. Prints the native settings DeepOpt
/// applied and the resident size before the burst, at its peak, after it, and after NativeSettings.ReleaseFreedMemory,
/// in MiB.
/// </summary>
public static class MemoryBurst
{
    private const int Blocks = 64;
    private const int BlockBytes = 4 << 20;

    public static int Run(string modelPath, string mode)
    {
        var ml = new MLContext(seed: 7);
        var data = ml.Data.LoadFromEnumerable(Digits.Load().Take(300), SchemaDefinition.Create(typeof(DigitImage)));
        var model = mode == "train"
            ? ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "Pixels", HiddenLayerSizes = [16], Epochs = 1 }))
                .Fit(data)
            : ml.Model.LoadDeepOpt(modelPath, out _);
        _ = model.Transform(data).GetColumn<float[]>("Score").Count();

        long before = ResidentMiB();
        var ones = Enumerable.Repeat((byte)1, BlockBytes).ToArray();
        var blocks = new IntPtr[Blocks];
        for (int i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockBytes); // malloc
            Marshal.Copy(ones, 0, blocks[i], BlockBytes);
        }

        long peak = ResidentMiB();
        foreach (var block in blocks)
        {
            Marshal.FreeHGlobal(block);
        }

        long after = ResidentMiB();
        NativeSettings.ReleaseFreedMemory();
        long released = ResidentMiB();
        Console.WriteLine($"applied: {NativeSettings.Applied ?? "nothing"}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resident MiB before {before} peak {peak} after {after} released {released}"));
        return 0;
    }

    private static long ResidentMiB()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
