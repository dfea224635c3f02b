// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace DeepOpt.AutoML;

/// <summary>Samples the process's working set while a trial runs and keeps the largest value.</summary>
/// <remarks>
/// DeepOpt keeps glibc from trimming its heap during training (see the trainers' malloc settings), so freed native
/// memory would stay with the process from one trial to the next, and every trial's peak would include the largest
/// earlier trial's. The first thing a measurement does is hand that freed memory back (<c>malloc_trim</c>), so the
/// peak is the trial's own.
/// </remarks>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakMemory()
    {
        TrimNativeHeap();
        Sample(null);
        _timer = new Timer(Sample, null, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Gets the largest working set seen so far, in megabytes.</summary>
    public double Megabytes
    {
        get
        {
            Sample(null);
            return Interlocked.Read(ref _peak) / (1024.0 * 1024.0);
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Returns the native heap's free pages to the system, where the C library is glibc.</summary>
    private static void TrimNativeHeap()
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

    private void Sample(object? state)
    {
        long now = Environment.WorkingSet;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _peak);
        }
        while (now > seen && Interlocked.CompareExchange(ref _peak, now, seen) != seen);
    }
}
