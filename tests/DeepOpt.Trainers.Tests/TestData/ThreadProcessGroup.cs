// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// A process group whose ranks are threads of this process, for testing data-parallel training without MPI: each
/// collective waits at a barrier for every rank, and the sums are taken in rank order, so they are exact and the same
/// on every rank.
/// </summary>
internal sealed class ThreadProcessGroup : IProcessGroup
{
    private readonly Shared _shared;

    private ThreadProcessGroup(Shared shared, int rank)
    {
        _shared = shared;
        Rank = rank;
    }

    public int Rank { get; }

    public int Size => _shared.Values.Length;

    /// <summary>Makes the <paramref name="size"/> ranks of one group.</summary>
    public static ThreadProcessGroup[] Create(int size)
    {
        var shared = new Shared(size);
        return Enumerable.Range(0, size).Select(rank => new ThreadProcessGroup(shared, rank)).ToArray();
    }

    /// <summary>Runs <paramref name="work"/> on every rank at once, each on its own thread, and returns the results in rank order.</summary>
    public static T[] RunAll<T>(int size, Func<IProcessGroup, T> work)
    {
        var ranks = Create(size);
        var tasks = ranks.Select(rank => Task.Factory.StartNew(() => work(rank), TaskCreationOptions.LongRunning)).ToArray();
        return tasks.Select(t => t.GetAwaiter().GetResult()).ToArray();
    }

    public void AllReduceSum(float[] values)
    {
        _shared.Values[Rank] = values;
        _shared.Barrier.SignalAndWait();
        var sums = new float[values.Length];
        foreach (var theirs in _shared.Values)
        {
            for (int i = 0; i < sums.Length; i++)
            {
                sums[i] += theirs[i];
            }
        }

        _shared.Barrier.SignalAndWait();
        sums.CopyTo(values, 0);
    }

    public void Broadcast(float[] values, int root)
    {
        _shared.Values[Rank] = values;
        _shared.Barrier.SignalAndWait();
        var sent = (float[])_shared.Values[root].Clone();
        _shared.Barrier.SignalAndWait();
        sent.CopyTo(values, 0);
    }

    private sealed class Shared(int size)
    {
        public float[][] Values { get; } = new float[size][];

        public Barrier Barrier { get; } = new(size);
    }
}
