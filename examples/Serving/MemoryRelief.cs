// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime;

namespace DeepOpt.Serving;

/// <summary>
/// Gives memory back to the system once a burst of large batches is over. A large batch grows the managed heap, and the
/// garbage collector keeps that memory committed until a later collection, which an idle server never makes. So each
/// large batch (re)arms a timer, and when no large batch has come for <c>quiet</c>, one aggressive collection
/// decommits the free memory: the resident size falls back to about what it was before the burst.
/// </summary>
internal sealed class MemoryRelief(TimeSpan quiet, ILogger log) : IDisposable
{
    /// <summary>A batch of at least this many rows counts as large.</summary>
    public const int LargeBatchRows = 1000;

    private readonly Timer _timer = new(_ => Release(log));

    /// <summary>Notes that a batch of <paramref name="rows"/> rows was answered.</summary>
    public void Answered(int rows)
    {
        if (rows >= LargeBatchRows)
        {
            _timer.Change(quiet, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer.Dispose();

    private static void Release(ILogger log)
    {
        long before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var gc = GC.GetGCMemoryInfo();
        log.LogInformation("After a burst of large batches, the resident size went from {Before} MiB to {After} MiB (GC heap {Heap} MiB, committed {Committed} MiB).", before >> 20, Environment.WorkingSet >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20);
    }
}
