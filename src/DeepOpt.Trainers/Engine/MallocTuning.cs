// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepOpt.Trainers;

/// <summary>
/// Every training batch allocates and frees megabytes of activations. With glibc's defaults, blocks that large are
/// mapped fresh from the kernel and returned on free, so each batch pays for page faults again; measured here, that made
/// a training step of the seed CNN 2–3 times slower (in TorchSharp and PyTorch alike). On Linux with glibc this keeps
/// such blocks in the heap (mmap threshold 32 MiB, no trimming), as glibc's own tunables would, unless the user has set
/// GLIBC_TUNABLES or the MALLOC_ variables, or DEEPOPT_MALLOC_TUNING=0. The cost: freed heap memory stays with the
/// process, so its resident size stays near its peak.
/// </summary>
internal static class MallocTuning
{
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    /// <summary>True when this process changed glibc's malloc settings.</summary>
    public static bool Applied { get; private set; }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The settings must be in place before TorchSharp allocates its first tensors.")]
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("DEEPOPT_MALLOC_TUNING") == "0"
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") != null
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") != null || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") != null)
        {
            return;
        }

        try
        {
            Applied = SetOption(MmapThreshold, 32 << 20) == 1 & SetOption(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): nothing to tune.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetOption(int parameter, int value);
}
