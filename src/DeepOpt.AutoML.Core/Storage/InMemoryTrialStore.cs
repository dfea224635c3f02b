// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// Keeps trials in this process's memory: nothing survives the process. The default store of an experiment.
/// </summary>
public sealed class InMemoryTrialStore : ITrialStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Sweep> _sweeps = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes an empty store on the system clock.</summary>
    public InMemoryTrialStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Initializes an empty store whose heartbeats and reclaims read <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock, for example a fake one in a test of heartbeat timeouts.</param>
    public InMemoryTrialStore(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <inheritdoc/>
    public string Location => "in-memory store";

    /// <inheritdoc/>
    public string OpenSweep(string sweepName, string definitionJson)
    {
        ArgumentNullException.ThrowIfNull(sweepName);
        ArgumentNullException.ThrowIfNull(definitionJson);
        lock (_gate)
        {
            return GetOrAdd(sweepName, definitionJson).Definition;
        }
    }

    /// <inheritdoc/>
    public StoredTrial? StartTrial(
        string sweepName,
        WorkerIdentity worker,
        int? maxTrials,
        TimeSpan heartbeatTimeout,
        Func<int, IReadOnlyList<StoredTrial>, Parameter> propose)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(propose);
        lock (_gate)
        {
            var sweep = GetOrAdd(sweepName, "{}");
            var now = UtcNow();
            foreach (var row in sweep.Trials.Where(r => r.Result.State == TrialState.Running))
            {
                if (TrialCopies.IsAbandoned(now - row.Heartbeat, heartbeatTimeout, row.Worker, false, out bool gone))
                {
                    row.Result = row.Result.Reclaimed(TrialCopies.ReclaimMessage(row.Worker.WorkerId, now - row.Heartbeat, heartbeatTimeout, gone, worker.WorkerId), now);
                }
            }

            if (maxTrials is { } budget && sweep.Trials.Count >= budget)
            {
                return null;
            }

            int trialId = sweep.Trials.Count;
            var parameter = propose(trialId, Snapshot(sweep));
            var trial = new Row(TrialCopies.Running(trialId, Parameter.FromJson(parameter.ToJson()), now), worker, now);
            sweep.Trials.Add(trial);
            return trial.ToStored();
        }
    }

    /// <inheritdoc/>
    public void ReportIntermediate(string sweepName, int trialId, IReadOnlyList<IntermediateValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_gate)
        {
            if (Find(sweepName, trialId) is { Result.State: TrialState.Running } row)
            {
                row.Result = row.Result.WithValues([.. values]);
            }
        }
    }

    /// <inheritdoc/>
    public void Heartbeat(string sweepName, string workerId, IReadOnlyCollection<int> trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        lock (_gate)
        {
            foreach (int id in trialIds)
            {
                if (Find(sweepName, id) is { Result.State: TrialState.Running } row && row.Worker.WorkerId == workerId)
                {
                    row.Heartbeat = UtcNow();
                }
            }
        }
    }

    /// <inheritdoc/>
    public bool FinishTrial(string sweepName, string workerId, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            var row = Find(sweepName, result.TrialSettings.TrialId);
            if (row is not { Result.State: TrialState.Running } || row.Worker.WorkerId != workerId)
            {
                return false;
            }

            row.Result = result.ForStore();
            return true;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredTrial> GetTrials(string sweepName)
    {
        lock (_gate)
        {
            return _sweeps.TryGetValue(sweepName, out var sweep) ? Snapshot(sweep) : [];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> GetSweepNames()
    {
        lock (_gate)
        {
            return _sweeps.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing to release.
    }

    private DateTime UtcNow() => _timeProvider.GetUtcNow().UtcDateTime;

    private static List<StoredTrial> Snapshot(Sweep sweep) => sweep.Trials.Select(r => r.ToStored()).ToList();

    private Sweep GetOrAdd(string sweepName, string definitionJson)
    {
        if (!_sweeps.TryGetValue(sweepName, out var sweep))
        {
            sweep = new Sweep(definitionJson);
            _sweeps.Add(sweepName, sweep);
        }

        return sweep;
    }

    private Row? Find(string sweepName, int trialId) =>
        _sweeps.TryGetValue(sweepName, out var sweep) && trialId >= 0 && trialId < sweep.Trials.Count ? sweep.Trials[trialId] : null;

    private sealed class Sweep(string definition)
    {
        public string Definition { get; } = definition;

        public List<Row> Trials { get; } = [];
    }

    private sealed class Row(TrialResult result, WorkerIdentity worker, DateTime heartbeat)
    {
        public TrialResult Result { get; set; } = result;

        public WorkerIdentity Worker { get; } = worker;

        public DateTime Heartbeat { get; set; } = heartbeat;

        public StoredTrial ToStored() => new(Result.ForStore(), Worker.WorkerId, Heartbeat);
    }
}
