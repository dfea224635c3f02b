// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// The trials of one experiment over a sweep's store: ask, report, tell and replay, and the best trial, kept once.
/// </summary>
/// <remarks>
/// Three locks, never held while calling out except as said: the state lock guards the bookkeeping only; the tuner
/// lock makes the tuner propose and learn one call at a time (tuners need not be thread-safe), and a proposal is made
/// inside the store's transaction, so that no two trials get the same configuration; the monitor and pruner locks do
/// the same for them. The tuner lock may take the state lock, never the other way round. A trial stays among the
/// running ones until the store has its end, so a replay never mistakes it for another worker's.
/// </remarks>
internal sealed class TrialLedger : IDisposable
{
    private readonly object _state = new();
    private readonly object _tunerGate = new();
    private readonly object _monitorGate = new();
    private readonly object _prunerGate = new();
    private readonly Dictionary<int, TrialSettings> _running = [];
    private readonly Dictionary<int, TrialResult> _progress = [];
    private readonly List<TrialResult> _finished = [];
    private readonly HashSet<int> _told = [];
    private readonly HashSet<int> _reportedPending = [];
    private readonly SearchSpace.SearchSpace? _searchSpace;
    private readonly IIntermediateReporter _reporter;
    private readonly ExperimentSettings _settings;
    private SweepStore _sweep = null!;

    private TrialLedger(ITuner tuner, ExperimentSettings settings, IMonitor? monitor, SearchSpace.SearchSpace? searchSpace, IIntermediateReporter reporter)
    {
        Tuner = tuner;
        _settings = settings;
        Monitor = monitor;
        _searchSpace = searchSpace;
        _reporter = reporter;
    }

    /// <summary>Gets or sets the tuner; the experiment's setters change it for the trials asked for after.</summary>
    public ITuner Tuner { get; set; }

    /// <summary>Gets the pruner, or null for none: the experiment's setting at the time of each report.</summary>
    public IPruner? Pruner => _settings.Pruner;

    /// <summary>Gets or sets the monitor, or null for none.</summary>
    public IMonitor? Monitor { get; set; }

    /// <summary>Gets the best completed trial (lowest finite loss), or null.</summary>
    public TrialResult? Best { get; private set; }

    /// <summary>Gets the first failure's exception (null for a failure replayed from the store).</summary>
    public Exception? FirstFailure { get; private set; }

    /// <summary>Gets the first failure's message, or null when no trial failed.</summary>
    public string? FirstFailureMessage { get; private set; }

    /// <summary>Gets the finished trials, in the order this ledger learnt of them.</summary>
    public IReadOnlyList<TrialResult> Finished
    {
        get
        {
            lock (_state)
            {
                return _finished.ToArray();
            }
        }
    }

    /// <summary>
    /// A ledger over the sweep that <paramref name="openSweep"/> opens, given the running trials to keep alive; running
    /// trials report to <paramref name="reporter"/> (the experiment).
    /// </summary>
    public static TrialLedger Open(ITuner tuner, ExperimentSettings settings, IMonitor? monitor, SearchSpace.SearchSpace? searchSpace, IIntermediateReporter reporter, Func<Func<IReadOnlyCollection<int>>, SweepStore> openSweep)
    {
        var ledger = new TrialLedger(tuner, settings, monitor, searchSpace, reporter);
        ledger._sweep = openSweep(ledger.RunningTrialIds);
        return ledger;
    }

    /// <summary>Starts a trial with a configuration the sweep has not evaluated, or returns null when the budget is spent.</summary>
    /// <exception cref="SearchSpaceExhaustedException">Every configuration of the (finite) search space was evaluated.</exception>
    public TrialSettings? Ask(int? maxTrials)
    {
        TrialSettings? settings = null;
        lock (_tunerGate)
        {
            var stored = _sweep.StartTrial(maxTrials, (trialId, history) =>
            {
                Absorb(history);
                settings = new TrialSettings { TrialId = trialId, StartedAtUtc = UtcNow(), Reporter = _reporter };
                settings.Parameter = DistinctProposals.Propose(Tuner, settings, history, _searchSpace, _sweep.SweepName);
                return settings.Parameter;
            });
            if (stored == null)
            {
                return null;
            }

            lock (_state)
            {
                _running.Add(settings!.TrialId, settings);
                _progress.Add(settings.TrialId, new TrialResult { TrialSettings = settings, State = TrialState.Running, Loss = double.NaN, Metric = double.NaN });
            }
        }

        _sweep.EnsureHeartbeat();
        return settings;
    }

    /// <summary>Tells the monitor that a trial started.</summary>
    public void Started(TrialSettings settings) => Notify(m => m.ReportRunningTrial(settings));

    /// <summary>Records an intermediate value of a running trial and asks the pruner whether to stop it.</summary>
    public bool Report(int trialId, IntermediateValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        TrialResult running;
        IntermediateValue[] values;
        lock (_state)
        {
            if (!_progress.TryGetValue(trialId, out running!))
            {
                throw NotRunning(trialId);
            }

            values = [.. running.IntermediateValues, value];
            running = running.WithValues(values);
            _progress[trialId] = running;
        }

        _sweep.ReportIntermediate(trialId, values);
        if (Pruner is not { } pruner)
        {
            return false;
        }

        // Every other trial of the sweep, other workers' included, as the store has them.
        var others = _sweep.Trials().Where(t => t.TrialId != trialId).Select(t => t.Result).ToList();
        lock (_prunerGate)
        {
            return pruner.ShouldPrune(running, others);
        }
    }

    /// <summary>Finishes a running trial with its result; a NaN or infinite loss makes it failed.</summary>
    public void Tell(int trialId, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_settings.Objectives is { } objectives)
        {
            // Computed objectives are recorded with the trial, so the store keeps every objective value. A function
            // that throws fails the trial, as a runner that throws would.
            try
            {
                result = objectives.WithComputedValues(result);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                End(trialId, new InvalidOperationException($"Computing an objective or a constraint of trial {trialId} threw: {ex.Message}", ex), canceled: false);
                return;
            }
        }

        var progress = TakeRunning(trialId);
        var state = result.IsPruned ? TrialState.Pruned : result.IsFailed ? TrialState.Failed : TrialState.Completed;
        Finish(result with
        {
            TrialSettings = Ended(progress.TrialSettings),
            IntermediateValues = result.IntermediateValues.Count == 0 ? progress.IntermediateValues : result.IntermediateValues,
            State = state,
            ErrorMessage = state == TrialState.Failed ? result.ErrorMessage ?? $"The trial returned a loss of {result.Loss}." : result.ErrorMessage,
        }, null);
    }

    /// <summary>
    /// Ends a running trial that threw: as canceled when the run's cancellation stopped it, as pruned for
    /// <see cref="TrialPrunedException"/>, else as failed.
    /// </summary>
    public void End(int trialId, Exception exception, bool canceled)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var progress = TakeRunning(trialId);
        var settings = Ended(progress.TrialSettings);
        var result = new TrialResult
        {
            TrialSettings = settings,
            Loss = double.NaN,
            Metric = double.NaN,
            State = exception is TrialPrunedException ? TrialState.Pruned : canceled ? TrialState.Canceled : TrialState.Failed,
            ErrorMessage = canceled ? "stopped by the cancellation or the time budget" : exception.Message,
            DurationInMilliseconds = (settings.EndedAtUtc!.Value - settings.StartedAtUtc).TotalMilliseconds,
            IntermediateValues = progress.IntermediateValues,
        };
        Finish(result, exception);
    }

    /// <summary>
    /// Tells the tuner an earlier sweep's trials, before its first proposal and before this sweep's own are replayed:
    /// the mapped ones less those the store already holds as this sweep's (a resume replays those). They are not
    /// recorded, stored or counted, and never become the best.
    /// </summary>
    public WarmStartSummary WarmStart(WarmStartMapping mapping)
    {
        lock (_tunerGate)
        {
            var summary = mapping.Summarize(_sweep.Trials());
            foreach (var trial in summary.Trials)
            {
                Tuner.Update(trial);
            }

            return summary;
        }
    }

    /// <summary>Brings the tuner and the trial list up to date with the store (other workers, earlier runs).</summary>
    public void Replay()
    {
        lock (_tunerGate)
        {
            Absorb(_sweep.Trials());
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>
    /// Tells the tuner, the trial list and the monitor how a trial ended, then the store (even when the tuner or a
    /// monitor threw). A pruned trial keeps its last reported value; a canceled one is not the configuration's fault,
    /// so the tuner frees its place and learns nothing; only a completed trial can become the best.
    /// </summary>
    private void Finish(TrialResult result, Exception? exception)
    {
        try
        {
            if (result.State == TrialState.Pruned)
            {
                result = !double.IsFinite(result.Loss) && result.IntermediateValues.Count > 0
                    ? result.WithValues(result.IntermediateValues) with { ErrorMessage = null }
                    : result with { ErrorMessage = null };
            }

            lock (_tunerGate)
            {
                Tuner.Update(result);
            }

            bool best = Record(result, exception);

            Notify(m =>
            {
                switch (result.State)
                {
                    case TrialState.Completed:
                        m.ReportCompletedTrial(result);

                        // With trials in parallel, a better trial may have ended meanwhile: then this one is not
                        // announced as the best, so monitors hear of bests in order of improvement.
                        if (best && ReferenceEquals(Best, result))
                        {
                            m.ReportBestTrial(result);
                        }

                        break;
                    case TrialState.Pruned: m.ReportPrunedTrial(result); break;
                    case TrialState.Canceled: m.ReportCanceledTrial(result); break;
                    default: m.ReportFailTrial(result, exception); break;
                }
            });
        }
        finally
        {
            Persist(result);
        }
    }

    /// <summary>Writes a finished trial to the store, then lets it leave the running trials.</summary>
    private void Persist(TrialResult result)
    {
        int trialId = result.TrialSettings.TrialId;
        try
        {
            _sweep.FinishTrial(result);
        }
        finally
        {
            lock (_state)
            {
                _told.Add(trialId);
                _running.Remove(trialId);
            }

            _sweep.StopHeartbeatIfIdle();
        }
    }

    /// <summary>
    /// Tells the tuner every finished trial it has not heard of (a replay) and every running trial that is not this
    /// ledger's (so it can avoid proposing the same point). Called under the tuner lock.
    /// </summary>
    private void Absorb(IReadOnlyList<StoredTrial> history)
    {
        foreach (var trial in history)
        {
            bool replay, pending;
            lock (_state)
            {
                if (_running.ContainsKey(trial.TrialId))
                {
                    continue;
                }

                replay = trial.IsFinished && _told.Add(trial.TrialId);
                pending = !replay && trial.State == TrialState.Running && _reportedPending.Add(trial.TrialId);
            }

            if (replay)
            {
                Tuner.Update(trial.Result);
                Record(trial.Result, null);
            }
            else if (pending)
            {
                Tuner.ReportPending(trial.Result.TrialSettings);
            }
        }
    }

    /// <summary>
    /// Adds a finished trial to the list, and makes it the best (a completed trial with a lower finite loss) or the
    /// first failure when it is one; returns whether it became the best.
    /// </summary>
    private bool Record(TrialResult result, Exception? exception)
    {
        lock (_state)
        {
            _finished.Add(result);
            if (result.State == TrialState.Failed && FirstFailureMessage == null)
            {
                (FirstFailure, FirstFailureMessage) = (exception, result.ErrorMessage);
            }

            if (result.State != TrialState.Completed || !double.IsFinite(result.Loss) || (Best != null && result.Loss >= Best.Loss))
            {
                return false;
            }

            Best = result;
            return true;
        }
    }

    private IReadOnlyCollection<int> RunningTrialIds()
    {
        lock (_state)
        {
            return [.. _running.Keys];
        }
    }

    /// <summary>Takes a running trial's progress, so that it can be told once; it stays running until persisted.</summary>
    private TrialResult TakeRunning(int trialId)
    {
        lock (_state)
        {
            return _running.ContainsKey(trialId) && _progress.Remove(trialId, out var progress) ? progress : throw NotRunning(trialId);
        }
    }

    private void Notify(Action<IMonitor> report)
    {
        if (Monitor is not { } monitor)
        {
            return;
        }

        lock (_monitorGate)
        {
            report(monitor);
        }
    }

    private DateTime UtcNow() => _settings.TimeProvider.GetUtcNow().UtcDateTime;

    /// <summary>A trial's settings as it ends: with its end time, and without the reporter, which it no longer uses.</summary>
    private TrialSettings Ended(TrialSettings settings) => settings.Copy(UtcNow());

    private static InvalidOperationException NotRunning(int trialId) =>
        new($"Trial {trialId} is not running: it was never asked for, or it was already told.");
}
