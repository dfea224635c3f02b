// Licensed under the MIT license. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TorchSharp;

namespace DeepOpt.Trainers;

/// <summary>
/// A thread of its own for one replica, for the length of a fit. libtorch keeps the intra-op thread count of each
/// thread (OpenMP's is per thread), so a dedicated thread can run its replica on its own group of threads without
/// changing the count of the pool threads that other work shares.
/// </summary>
internal sealed class ReplicaWorker : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _queue = new();
    private readonly Thread _thread;

    /// <param name="name">The thread's name, for debuggers.</param>
    /// <param name="threads">The intra-op threads of the replica.</param>
    public ReplicaWorker(string name, int threads)
    {
        _thread = new Thread(() => Loop(threads)) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="work"/>; the task ends when it has run, with its exception if it threw.</summary>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((work, done));
        return done.Task;
    }

    /// <summary>Lets the queued work finish, then ends the thread.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Loop(int threads)
    {
        torch.set_num_threads(threads);

        // glibc gives this thread a malloc arena of its own, and unmaps a heap of that arena as soon as it is all free,
        // which a training step's tensors make it at the end of every step: the next step then takes its pages afresh
        // from the kernel. A block held for the thread's life keeps the heap from ever being all free.
        IntPtr keep = Marshal.AllocHGlobal(64);
        try
        {
            Serve();
        }
        finally
        {
            Marshal.FreeHGlobal(keep);
        }
    }

    private void Serve()
    {
        foreach (var (work, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }
}
