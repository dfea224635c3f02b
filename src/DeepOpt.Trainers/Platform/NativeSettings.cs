// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// The process-wide native settings that DeepOpt's training needs, in one visible place. Loading DeepOpt changes nothing
/// in the process; the first fit calls <see cref="ApplyForTraining"/> and writes what it did to MLContext's log, once. A
/// process that only predicts (a service serving a loaded model) keeps glibc's defaults, so its resident memory falls
/// back after a burst.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>setting</term><description>what and why</description></listheader>
/// <item><term>glibc malloc (Linux)</term><description>mmap threshold 32 MiB, no trimming, no mmap: each training batch
/// allocates and frees megabytes of activations, which glibc's defaults map afresh from the kernel every time (a training
/// step of the seed CNN took 2–3 times longer). The cost is that freed memory stays with the process. Switched off by
/// <c>DEEPOPT_MALLOC_TUNING=0</c>, or by setting glibc's own <c>GLIBC_TUNABLES</c> or <c>MALLOC_*_</c> variables.</description></item>
/// </list>
/// Two checks that change no result run at a network's first use instead, each once per process: NNPACK is turned off
/// where it cannot start, and oneDNN is checked on the layer shapes used and turned off where it computes them wrongly
/// (README, "Native settings").
/// </remarks>
public static class NativeSettings
{
    private static readonly Lazy<string> s_applied = new(MallocTuning.Apply, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_reported;

    /// <summary>What <see cref="ApplyForTraining"/> did, or null while nothing has called it in this process.</summary>
    public static string? Applied => s_applied.IsValueCreated ? s_applied.Value : null;

    /// <summary>
    /// Applies the settings training needs, once per process; later calls change nothing and return the same line. Every
    /// fit calls it; call it yourself to apply them before a first fit, or to see what they are.
    /// </summary>
    /// <returns>What was applied, or why nothing was, in one line.</returns>
    public static string ApplyForTraining() => s_applied.Value;

    /// <summary>
    /// Gives the native heap's free pages back to the system (glibc's <c>malloc_trim</c>), which the training settings
    /// keep from happening on its own. Call it between fits to measure one fit's memory, as the sweep's trial runner
    /// does before each trial, or after training in a process that goes on to serve. Does nothing where the C library
    /// is not glibc.
    /// </summary>
    public static void ReleaseFreedMemory() => MallocTuning.Trim();

    /// <summary>Applies the settings and says whether this is the first call to ask, which reports them.</summary>
    internal static bool ApplyOnce(out string applied)
    {
        applied = s_applied.Value;
        return Interlocked.Exchange(ref s_reported, 1) == 0;
    }
}
