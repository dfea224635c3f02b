// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace DeepOpt.AutoML;

/// <summary>Samples the process's working set while a trial runs and keeps the largest value.</summary>
/// <remarks>
/// DeepOpt keeps glibc from trimming its heap during training (see the trainers' malloc settings), so freed native
/// memory would stay with the process from one trial to the next, and every trial's peak would include the largest
/// earlier trial's. The first thing a measurement does is hand that freed memory back
/// (<see cref="NativeSettings.ReleaseFreedMemory"/>), so the peak is the trial's own.
/// </remarks>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakMemory()
    {
        NativeSettings.ReleaseFreedMemory();
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
