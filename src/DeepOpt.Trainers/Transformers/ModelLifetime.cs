// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// Guards a network's native memory against use after it is freed. Every native use (a forward pass, a save, a count
/// of weights) holds a <see cref="Lease"/>; leases do not exclude one another, so readers stay concurrent. Disposal
/// stops new leases at once, waits for the leases in flight, and only then frees the network, so a thread that disposes
/// a model while others predict with it can never free tensors that libtorch is still reading.
/// </summary>
/// <remarks>
/// The state is one counter: 1 for the model itself plus 1 per lease in flight. A lease is taken only by raising a
/// counter that is not 0, so once disposal has dropped the model's own count and the last lease has gone, the counter
/// stays 0 and every later lease fails. A lease costs two interlocked operations and takes no lock.
/// </remarks>
internal sealed class ModelLifetime
{
    private readonly string _modelName;
    private readonly object _gate = new();
    private int _count = 1;
    private int _disposeStarted;

    /// <summary>Creates the guard of one model.</summary>
    /// <param name="modelName">How errors name the model, e.g. "DeepOpt Mlp model (MulticlassClassification, reads 'Features')".</param>
    public ModelLifetime(string modelName) => _modelName = modelName;

    /// <summary>True once disposal has started: the model takes no new lease.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposeStarted) != 0;

    /// <summary>Holds the network alive until the lease is disposed.</summary>
    /// <param name="use">What the caller wants to do, for the error: "predict", "save", ...</param>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Lease Enter(string use)
    {
        while (true)
        {
            int count = Volatile.Read(ref _count);
            if (count == 0 || IsDisposed)
            {
                throw Disposed(use);
            }

            if (Interlocked.CompareExchange(ref _count, count + 1, count) == count)
            {
                return new Lease(this);
            }
        }
    }

    /// <summary>The exception for a use of the disposed model.</summary>
    public ObjectDisposedException Disposed(string use) => new(
        _modelName,
        $"The model was disposed, so it cannot {use}. Keep a model undisposed while anything still uses it. Note that a PredictionEngine made with ml.Model.CreatePredictionEngine(model) owns the model by ML.NET's rule and disposes it (or the pipeline that holds it) when the engine is disposed: pass new PredictionEngineOptions {{ OwnsTransformer = false }} to keep using the model after the engine, and dispose the model yourself.");

    /// <summary>Stops new leases, waits for those in flight, then runs <paramref name="free"/> once.</summary>
    public void Dispose(Action free)
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }

        if (Interlocked.Decrement(ref _count) != 0)
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _count) != 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        free();
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>One use of the network in flight.</summary>
    internal readonly struct Lease : IDisposable
    {
        private readonly ModelLifetime? _owner;

        public Lease(ModelLifetime owner) => _owner = owner;

        /// <inheritdoc/>
        public void Dispose() => _owner?.Exit();
    }
}
