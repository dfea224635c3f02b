// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace DeepOpt.Trainers;

/// <summary>
/// Every training batch allocates and frees megabytes of activations. With glibc's defaults, blocks that large are
/// mapped fresh from the kernel and returned on free, so each batch pays for page faults again; measured here, that made
/// a training step of the seed CNN 2–3 times slower (in TorchSharp and PyTorch alike). On Linux with glibc this keeps
/// such blocks in the heap, as glibc's own tunables would: mmap threshold 32 MiB (glibc's largest), no trimming, and no
/// mmap at all, since a block above 32 MiB (the first activation of a 64-filter CNN on batches of 256 is 51 MB) would
/// otherwise still be mapped afresh on every batch: such a configuration took 9–12 s an epoch on 5,000 images instead of
/// 2.3 s, for a peak resident size of 1.21 GB instead of 1.12 GB. The user's GLIBC_TUNABLES or MALLOC_ variables, or
/// DEEPOPT_MALLOC_TUNING=0, turn this off. The cost: freed heap memory stays with the process, so its resident size
/// stays near its peak. So it is applied when training starts (<see cref="NativeSettings"/>), never when the assembly
/// loads: a process that only predicts keeps glibc's defaults.
/// </summary>
internal static class MallocTuning
{
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;
    private const int MmapMax = -4;

    /// <summary>The variables through which a user sets glibc's malloc; any of them leaves it alone.</summary>
    private static readonly string[] UserSettings = ["GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_MAX_"];

    /// <summary>Sets glibc's malloc for training and says what it did, or why it did nothing.</summary>
    internal static string Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "glibc malloc: not Linux, left alone";
        }

        if (Environment.GetEnvironmentVariable("DEEPOPT_MALLOC_TUNING") == "0")
        {
            return "glibc malloc: left alone (DEEPOPT_MALLOC_TUNING=0)";
        }

        if (UserSettings.FirstOrDefault(name => Environment.GetEnvironmentVariable(name) != null) is { } user)
        {
            return $"glibc malloc: left alone ({user} is set)";
        }

        try
        {
            SetOption(MmapThreshold, 32 << 20);
            SetOption(TrimThreshold, int.MaxValue);
            SetOption(MmapMax, 0);
            return "glibc malloc: mmap threshold 32 MiB, no trimming, no mmap (DEEPOPT_MALLOC_TUNING=0 turns this off)";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return "glibc malloc: not glibc (no mallopt), left alone";
        }
    }

    /// <summary>Returns the heap's free pages to the system, where the C library is glibc.</summary>
    internal static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): its heap is not kept untrimmed either.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetOption(int parameter, int value);
}
