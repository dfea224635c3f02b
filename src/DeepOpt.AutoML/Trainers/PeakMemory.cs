// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML;

/// <summary>Samples the process's working set while a trial runs and keeps the largest value.</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakMemory()
    {
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
