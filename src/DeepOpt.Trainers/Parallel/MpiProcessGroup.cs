// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace DeepOpt.Trainers;

/// <summary>
/// The processes of an <c>mpirun</c> job (MPI_COMM_WORLD) as an <see cref="IProcessGroup"/>, over Open MPI. Start the
/// same program on every process, open one group per process before training and dispose it at the end:
/// <code>
/// using var group = MpiProcessGroup.Open();
/// var model = ml.MulticlassClassification.Trainers.Cnn(options, new DeepFitContext { ProcessGroup = group }).Fit(data);
/// if (group.Rank == 0) ml.Model.Save(model, data.Schema, "model.zip");
/// </code>
/// </summary>
/// <remarks>
/// Every collective waits for the other processes at most <see cref="Timeout"/>: a process that died or hangs ends the
/// others with a <see cref="TimeoutException"/> that says so, instead of a job that waits forever; disposing the group
/// then ends the whole job (mpirun itself ends it when a process exits with an error). Collectives are non-blocking MPI calls polled until they complete, one
/// at a time (MPI_THREAD_SERIALIZED), so any thread may use the group.
/// </remarks>
public sealed class MpiProcessGroup : IProcessGroup, IDisposable
{
    private static readonly object Gate = new();
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(20);
    private readonly TimeProvider _time;
    private bool _disposed;
    private bool _timedOut;

    private MpiProcessGroup(int rank, int size, TimeSpan timeout, TimeProvider time)
    {
        Rank = rank;
        Size = size;
        Timeout = timeout;
        _time = time;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>How long a collective waits for the other processes before it throws.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether this process was started by an MPI launcher such as mpirun (Open MPI's variables are set).</summary>
    public static bool IsLaunched => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") != null;

    /// <summary>Initialises MPI (once per process) and returns the group of all the job's processes.</summary>
    /// <param name="timeout">How long a collective waits for the others; null is 2 minutes.</param>
    /// <param name="time">The clock of the timeout; null is the system's.</param>
    /// <returns>The group; dispose it once training is over, which finalises MPI.</returns>
    public static MpiProcessGroup Open(TimeSpan? timeout = null, TimeProvider? time = null)
    {
        var wait = timeout ?? TimeSpan.FromMinutes(2);
        if (wait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive. Leave it null for 2 minutes.");
        }

        lock (Gate)
        {
            MpiNative.Load();
            MpiNative.Check(MpiNative.MPI_Finalized(out int finalized), "MPI_Finalized");
            if (finalized != 0)
            {
                throw new InvalidOperationException("MPI was finalised in this process (an MpiProcessGroup was disposed), and MPI cannot start twice. Open one group for the whole program and dispose it at the end.");
            }

            MpiNative.Check(MpiNative.MPI_Initialized(out int initialized), "MPI_Initialized");
            if (initialized == 0)
            {
                MpiNative.Check(MpiNative.MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, MpiNative.ThreadSerialized, out int provided), "MPI_Init_thread");
                if (provided < MpiNative.ThreadSerialized)
                {
                    throw new InvalidOperationException($"This MPI gives thread support level {provided}, but DeepOpt needs MPI_THREAD_SERIALIZED ({MpiNative.ThreadSerialized}): training may call MPI from any thread.");
                }
            }

            MpiNative.Check(MpiNative.MPI_Comm_rank(MpiNative.CommWorld, out int rank), "MPI_Comm_rank");
            MpiNative.Check(MpiNative.MPI_Comm_size(MpiNative.CommWorld, out int size), "MPI_Comm_size");
            return new MpiProcessGroup(rank, size, wait, time ?? TimeProvider.System);
        }
    }

    /// <inheritdoc/>
    public void AllReduceSum(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Run("all-reduce", values, (IntPtr buffer, out IntPtr request) =>
            MpiNative.MPI_Iallreduce(MpiNative.InPlace, buffer, values.Length, MpiNative.Float, MpiNative.Sum, MpiNative.CommWorld, out request));
    }

    /// <inheritdoc/>
    public void Broadcast(float[] values, int root)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        Run("broadcast", values, (IntPtr buffer, out IntPtr request) =>
            MpiNative.MPI_Ibcast(buffer, values.Length, MpiNative.Float, root, MpiNative.CommWorld, out request));
    }

    /// <summary>Waits until every process of the job has called it (within <see cref="Timeout"/>).</summary>
    public void Barrier() =>
        Run("barrier", [], (IntPtr buffer, out IntPtr request) => MpiNative.MPI_Ibarrier(MpiNative.CommWorld, out request));

    /// <summary>Ends the whole job at once, every process, with <paramref name="errorCode"/> (MPI_Abort).</summary>
    public void Abort(int errorCode) => MpiNative.MPI_Abort(MpiNative.CommWorld, errorCode);

    /// <summary>Finalises MPI. Every process must dispose its group, as MPI_Finalize is collective; after a collective
    /// timed out, which finalising would wait on forever, it ends the whole job instead (MPI_Abort).</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_timedOut)
            {
                Abort(1);
            }

            MpiNative.Check(MpiNative.MPI_Finalize(), "MPI_Finalize");
        }
    }

    private delegate int Start(IntPtr buffer, out IntPtr request);

    /// <summary>Starts a non-blocking collective on the pinned <paramref name="values"/> and polls it until it completes
    /// or <see cref="Timeout"/> passes.</summary>
    private void Run(string what, float[] values, Start start)
    {
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var pin = GCHandle.Alloc(values, GCHandleType.Pinned);
            try
            {
                MpiNative.Check(start(pin.AddrOfPinnedObject(), out IntPtr request), $"MPI {what}");
                long started = _time.GetTimestamp();
                var spin = default(SpinWait);
                while (true)
                {
                    MpiNative.Check(MpiNative.MPI_Test(ref request, out int done, MpiNative.StatusIgnore), "MPI_Test");
                    if (done != 0)
                    {
                        return;
                    }

                    var waited = _time.GetElapsedTime(started);
                    if (waited > Timeout)
                    {
                        // The request still refers to the buffer, so it stays pinned: the process is ending anyway.
                        pin = default;
                        _timedOut = true;
                        throw new TimeoutException($"Rank {Rank} of {Size} waited more than {Timeout.TotalSeconds:G4} s for the other processes in an MPI {what} of {values.Length} values: a process has died, hangs, or runs another program. Check the other ranks' output; raise the timeout of MpiProcessGroup.Open if some process is just slower (for example while it reads its data).");
                    }

                    // Spin (yielding) for a short wait, as between the steps of ranks that run in lock step; sleep for a long one.
                    if (waited < ShortWait)
                    {
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                    else
                    {
                        Thread.Sleep(1);
                    }
                }
            }
            finally
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
            }
        }
    }
}
