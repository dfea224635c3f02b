// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// One worker's side of a sweep in a trial store: the sweep opened once (its search space checked against the stored
/// one), this worker's trials started, reported and finished, and their heartbeat kept while any runs. Stores are
/// thread-safe, so calls here take no lock of the experiment's.
/// </summary>
internal sealed class SweepStore : IDisposable
{
    private readonly ITrialStore _store;
    private readonly bool _ownsStore;
    private readonly string _sweepName;
    private readonly WorkerIdentity _worker;
    private readonly TimeSpan _heartbeatTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly Func<IReadOnlyCollection<int>> _runningTrials;
    private readonly object _heartbeatGate = new();
    private TrialHeartbeat? _heartbeat;

    private SweepStore(ITrialStore store, bool ownsStore, string sweepName, WorkerIdentity worker, TimeSpan heartbeatTimeout, TimeProvider timeProvider, Func<IReadOnlyCollection<int>> runningTrials)
    {
        _store = store;
        _ownsStore = ownsStore;
        _sweepName = sweepName;
        _worker = worker;
        _heartbeatTimeout = heartbeatTimeout;
        _timeProvider = timeProvider;
        _runningTrials = runningTrials;
    }

    /// <summary>Gets the sweep's name.</summary>
    public string SweepName => _sweepName;

    /// <summary>
    /// Opens the sweep: creates it with <paramref name="definition"/>, or checks that the stored one has the same search
    /// space. The result owns <paramref name="store"/> when <paramref name="ownsStore"/> is true; its heartbeat keeps
    /// <paramref name="runningTrials"/> (this worker's running trials) alive.
    /// </summary>
    public static SweepStore Open(ITrialStore store, bool ownsStore, string sweepName, WorkerIdentity worker, string definition, TimeSpan heartbeatTimeout, TimeProvider timeProvider, Func<IReadOnlyCollection<int>> runningTrials)
    {
        string stored = store.OpenSweep(sweepName, definition);
        SweepDefinition.EnsureSameSpace(stored, definition, sweepName, store.Location);
        return new SweepStore(store, ownsStore, sweepName, worker, heartbeatTimeout, timeProvider, runningTrials);
    }

    /// <summary>Starts a trial unless the budget is spent; <paramref name="propose"/> runs inside the store's transaction.</summary>
    public StoredTrial? StartTrial(int? maxTrials, Func<int, IReadOnlyList<StoredTrial>, Parameter> propose) =>
        _store.StartTrial(_sweepName, _worker, maxTrials, _heartbeatTimeout, propose);

    /// <summary>Records every intermediate value of a running trial so far.</summary>
    public void ReportIntermediate(int trialId, IReadOnlyList<IntermediateValue> values) =>
        _store.ReportIntermediate(_sweepName, trialId, values);

    /// <summary>Gets every trial of the sweep, other workers' and earlier runs' included.</summary>
    public IReadOnlyList<StoredTrial> Trials() => _store.GetTrials(_sweepName);

    /// <summary>Records how a trial of this worker ended; a trial another worker reclaimed keeps the store's record.</summary>
    public void FinishTrial(TrialResult result) => _store.FinishTrial(_sweepName, _worker.WorkerId, result);

    /// <summary>Starts the heartbeat if it is not beating; call it after a trial was added to the running ones.</summary>
    public void EnsureHeartbeat()
    {
        lock (_heartbeatGate)
        {
            _heartbeat ??= new TrialHeartbeat(_store, _sweepName, _worker.WorkerId,
                TimeSpan.FromMilliseconds(Math.Max(50, _heartbeatTimeout.TotalMilliseconds / 4)), _runningTrials, _timeProvider);
        }
    }

    /// <summary>Stops the heartbeat when no trial runs; checked and stopped at once, so a trial started meanwhile keeps it.</summary>
    public void StopHeartbeatIfIdle()
    {
        lock (_heartbeatGate)
        {
            if (_runningTrials().Count == 0)
            {
                _heartbeat?.Dispose();
                _heartbeat = null;
            }
        }
    }

    /// <summary>Stops the heartbeat and closes the store if this owns it.</summary>
    public void Dispose()
    {
        lock (_heartbeatGate)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
        }

        if (_ownsStore)
        {
            _store.Dispose();
        }
    }
}
