// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Runs trials one after another: a tuner proposes, a runner trains and evaluates, the tuner learns, until the trial
/// budget or the time budget is spent or the caller cancels.
/// </summary>
/// <remarks>
/// <para>
/// A trial that throws, or returns a NaN or infinite loss, is reported as failed through <see cref="IMonitor"/>, the
/// tuner is told (as a failure, never as a loss) and the loop goes on. Only when every trial failed does
/// <see cref="RunAsync"/> throw, with the first failure as the inner exception. A duration of 0 is a valid result.
/// </para>
/// <para>
/// Cancellation stops the loop within one trial: the running trial gets the token (and is cut at the time budget),
/// no new trial starts, and the best result so far is returned. A trial the token stops is recorded as
/// <see cref="TrialState.Canceled"/>, with the values it reported: not a failure, and tuners learn nothing from it.
/// <see cref="RunAsync"/> is built on the public <see cref="Ask"/> / <see cref="Tell(int, TrialResult)"/> pair, so
/// callers can drive trials themselves.
/// </para>
/// <para>
/// A running trial reports intermediate values through <see cref="TrialSettings.ReportIntermediate"/>; with a pruner
/// set (<see cref="SetPruner"/>), the answer says whether to stop it. A trial stopped that way (the runner throws
/// <see cref="TrialPrunedException"/> or returns <see cref="TrialState.Pruned"/>) is recorded as pruned with its last
/// reported value: the tuner hears about it as pruned, it never counts as a failure and never becomes the best trial.
/// </para>
/// <para>
/// Trials live in a store (<see cref="SetStorage(string)"/>): in memory unless told otherwise, a SQLite file for a
/// sweep that survives its process, PostgreSQL for many workers on one sweep. The trial budget counts every trial of
/// the sweep, whoever ran it and in which run. An experiment restarted on the same store and sweep name replays the
/// finished trials into its tuner and goes on where the sweep stopped. A trial that was running when its process died
/// is marked <see cref="TrialState.Failed"/> (never re-run): at once when a SQLite sweep finds its process gone, else
/// once its heartbeat is older than the timeout (<see cref="SetHeartbeatTimeout"/>); it counts once against the
/// budget. Other workers' running trials reach the tuner through <see cref="ITuner.ReportPending"/>, so that workers do
/// not propose the same point, and the pruner compares a trial with every trial in the store.
/// </para>
/// <para>
/// No trial repeats a configuration the sweep has already evaluated (completed, pruned or failed) or is running, in
/// this run or an earlier one, while unevaluated ones remain: each proposal is checked against the store's trials as
/// the trial starts, and a repeat is re-asked from the tuner. A finite search space whose every configuration has been
/// evaluated ends the run, with the reason in <see cref="StopReason"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var space = new SearchSpace&lt;MyOptions&gt;();                 // from [Range] / [Choice] attributes
/// var experiment = new TuningExperiment()
///     .SetTuner(new BayesianTuner(space, seed: 1))
///     .SetTrialRunner(new FunctionTrialRunner(p =&gt; TrainAndScore(p.AsType&lt;MyOptions&gt;())))
///     .SetMaxTrials(50)
///     .SetTrainingTimeInSeconds(600);
/// TrialResult best = await experiment.RunAsync(cancellationToken);
/// MyOptions bestOptions = best.TrialSettings.Parameter.AsType&lt;MyOptions&gt;();
/// </code>
/// </example>
public sealed partial class TuningExperiment : IIntermediateReporter, IDisposable
{
    private readonly object _open = new();
    private ITuner? _tuner;
    private ITrialRunner? _runner;
    private readonly ExperimentSettings _settings;
    private IMonitor? _monitor;
    private SearchSpace.SearchSpace? _searchSpace;
    private TrialLedger? _ledger;

    /// <summary>Creates an experiment with nothing set: give it at least a tuner, a runner and a budget.</summary>
    public TuningExperiment()
        : this(new ExperimentSettings())
    {
    }

    /// <summary>Creates an experiment over settings another experiment holds and sets (DeepOptExperiment's).</summary>
    internal TuningExperiment(ExperimentSettings settings)
    {
        _settings = settings;
    }

    /// <summary>Gets why the last <see cref="RunAsync"/> ended before its budget, or null when it did not.</summary>
    /// <value>For example that every configuration of a finite search space has been evaluated (the message names the
    /// space's size); null while the budget, the clock or the caller ends the run.</value>
    public string? StopReason { get; private set; }

    /// <summary>Gets the best completed trial so far (lowest loss), or null.</summary>
    public TrialResult? BestResult => _ledger?.Best;

    /// <summary>Gets the finished trials (completed, pruned, failed and canceled), in the order they finished.</summary>
    public IReadOnlyList<TrialResult> Trials => _ledger?.Finished ?? [];

    /// <summary>Sets the tuner that proposes configurations.</summary>
    /// <param name="tuner">The tuner.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetTuner(ITuner tuner)
    {
        _tuner = tuner ?? throw new ArgumentNullException(nameof(tuner));
        _ledger?.Tuner = tuner;
        return this;
    }

    /// <summary>Sets the runner that trains and evaluates one configuration.</summary>
    /// <param name="runner">The runner.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetTrialRunner(ITrialRunner runner)
    {
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        return this;
    }

    /// <summary>Sets the monitor that hears about every trial.</summary>
    /// <param name="monitor">The monitor.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetMonitor(IMonitor monitor)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        _ledger?.Monitor = monitor;
        return this;
    }

    /// <summary>Sets the pruner that stops hopeless trials from their intermediate values.</summary>
    /// <param name="pruner">The pruner, for example <see cref="MedianPruner"/> or <see cref="SuccessiveHalvingPruner"/>.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetPruner(IPruner pruner)
    {
        _settings.SetPruner(pruner);
        return this;
    }

    /// <summary>Sets the largest number of trials to run, failed ones included.</summary>
    /// <param name="maxTrials">At least 1.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetMaxTrials(int maxTrials)
    {
        _settings.SetMaxTrials(maxTrials);
        return this;
    }

    /// <summary>Sets the time budget: no trial starts after it, and the running one is cancelled when it runs out.</summary>
    /// <param name="seconds">Positive.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetTrainingTimeInSeconds(double seconds)
    {
        _settings.SetTrainingTimeInSeconds(seconds);
        return this;
    }

    /// <summary>Starts a trial: the tuner proposes its configuration, and the store records it as running.</summary>
    /// <returns>The trial's settings, with the proposed <see cref="TrialSettings.Parameter"/>.</returns>
    /// <remarks>Ask ignores the trial budget: callers driving trials themselves decide when to stop. The configuration is
    /// never one the sweep has already evaluated (completed, pruned, failed) or is running, as long as unevaluated ones
    /// remain: a tuner's repeat is re-asked, and with a search space (<see cref="SetSearchSpace"/>) replaced by an
    /// unevaluated point of the space.</remarks>
    /// <exception cref="TrialStoreException">The store failed, or holds this sweep with a different search space.</exception>
    /// <exception cref="SearchSpaceExhaustedException">Every configuration of the (finite) search space has been evaluated.</exception>
    public TrialSettings Ask() => Ledger().Ask(null)!;

    /// <summary>Records an intermediate value of a running trial and asks the pruner whether to stop it.</summary>
    /// <param name="trialId">The id <see cref="Ask"/> gave.</param>
    /// <param name="value">The value.</param>
    /// <returns>True when the pruner says the trial should stop.</returns>
    public bool Report(int trialId, IntermediateValue value) => Ledger().Report(trialId, value);

    /// <summary>Finishes a running trial with its result; a NaN or infinite loss makes it failed.</summary>
    /// <param name="trialId">The id <see cref="Ask"/> gave.</param>
    /// <param name="result">The result.</param>
    public void Tell(int trialId, TrialResult result) => Ledger().Tell(trialId, result);

    /// <summary>Finishes a running trial as failed.</summary>
    /// <param name="trialId">The id <see cref="Ask"/> gave.</param>
    /// <param name="exception">Why it failed.</param>
    public void Tell(int trialId, Exception exception) => Ledger().End(trialId, exception, canceled: false);

    /// <summary>Runs trials until a budget is spent or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops the loop within one trial.</param>
    /// <returns>The best completed trial.</returns>
    /// <exception cref="InvalidOperationException">No tuner, runner or budget was set, or every trial failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before any trial completed.</exception>
    /// <exception cref="TimeoutException">The time budget ran out before any trial completed.</exception>
    /// <exception cref="SearchSpaceExhaustedException">Every configuration of a finite space was evaluated, none completed.</exception>
    public async Task<TrialResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_tuner == null || _runner == null)
        {
            throw new InvalidOperationException("Set a tuner with SetTuner and a runner with SetTrialRunner before running.");
        }

        if (_settings.MaxTrials == null && _settings.TimeBudget == null && !cancellationToken.CanBeCanceled)
        {
            throw new InvalidOperationException(
                "The experiment has no budget: call SetMaxTrials or SetTrainingTimeInSeconds, or pass a cancellation token.");
        }

        var clock = _settings.TimeProvider;
        long started = clock.GetTimestamp();
        using var timeBudget = new CancellationTokenSource(_settings.TimeBudget ?? Timeout.InfiniteTimeSpan, clock);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeBudget.Token);

        // Up to K trials at once; the budget is checked by the store, across every worker of the sweep.
        StopReason = null;
        var ledger = Ledger();
        ledger.Replay();
        var active = new List<Task>();
        bool spent = false;
        while (true)
        {
            while (!spent && active.Count < _settings.ParallelTrials && !budget.IsCancellationRequested)
            {
                TrialSettings? settings;
                try
                {
                    settings = ledger.Ask(_settings.MaxTrials);
                }
                catch (SearchSpaceExhaustedException ex)
                {
                    // A finite space fully evaluated ends the sweep like a spent budget, and says so.
                    StopReason = ex.Message;
                    settings = null;
                }

                if (settings == null)
                {
                    spent = true;
                    break;
                }

                ledger.Started(settings);
                active.Add(RunTrialAsync(ledger, _runner, settings, budget.Token));
            }

            if (active.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(active).ConfigureAwait(false);
            active.Remove(done);
            await done.ConfigureAwait(false);
        }

        ledger.Replay();

        if (ledger.Best is { } best)
        {
            return best;
        }

        // A trial cut short by the caller or the clock is canceled, not failed: then report why the run stopped.
        if (ledger.FirstFailureMessage != null)
        {
            throw new InvalidOperationException(
                $"All {ledger.Finished.Count(t => t.IsFailed)} trials failed. The first failure: {ledger.FirstFailureMessage}", ledger.FirstFailure);
        }

        if (StopReason != null)
        {
            throw new SearchSpaceExhaustedException(StopReason);
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException($"The time budget of {_settings.TimeBudget?.TotalSeconds} s ran out before any trial completed "
            + $"(after {clock.GetElapsedTime(started).TotalSeconds:F1} s). Raise it with SetTrainingTimeInSeconds.");
    }

    /// <summary>Sets the search space the tuner searches, so the store can refuse to resume the sweep with another.</summary>
    /// <param name="searchSpace">The space.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetSearchSpace(SearchSpace.SearchSpace searchSpace)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        _settings.EnsureNotOpen(nameof(SetSearchSpace));
        _searchSpace = searchSpace;
        return this;
    }

    /// <summary>Sets the clock of the time budget, the heartbeats and the trials' start and end times.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> unless set. A test passes a fake one to
    /// run a time budget or a heartbeat timeout without waiting for it.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>Whether a heartbeat is stale is decided by the store's clock: the default in-memory store uses this
    /// one; a store passed to <see cref="SetStorage(ITrialStore)"/> keeps its own (a database's clock unless it was
    /// given a <see cref="TimeProvider"/>).</remarks>
    public TuningExperiment SetTimeProvider(TimeProvider timeProvider)
    {
        _settings.SetTimeProvider(timeProvider);
        return this;
    }

    /// <summary>Sets how many trials this process runs at once (the runner must be safe to call concurrently).</summary>
    /// <param name="count">At least 1; 1 unless set.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetParallelTrials(int count)
    {
        _settings.SetParallelTrials(count);
        return this;
    }

    /// <summary>Stops the heartbeat and closes a store the experiment opened from a path or connection string.</summary>
    public void Dispose()
    {
        lock (_open)
        {
            if (_ledger != null)
            {
                _ledger.Dispose();
            }
            else
            {
                _settings.CloseOwnedStore();
            }
        }
    }

    private static async Task RunTrialAsync(TrialLedger ledger, ITrialRunner runner, TrialSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
            ledger.Tell(settings.TrialId, result ?? throw new InvalidOperationException("The trial runner returned no result."));
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            ledger.End(settings.TrialId, ex, canceled: true);
        }
        catch (Exception ex) when (ex is not TrialStoreException)
        {
            ledger.End(settings.TrialId, ex, canceled: false);
        }
    }

    /// <summary>The ledger, made at the first trial: the sweep opened once (created, or checked to have this experiment's
    /// search space), with the configuration as it is then.</summary>
    private TrialLedger Ledger()
    {
        var tuner = _tuner ?? throw new InvalidOperationException("Set a tuner with SetTuner before asking for a trial.");
        lock (_open)
        {
            if (_ledger != null)
            {
                return _ledger;
            }

            // Mapped before the sweep opens: a refused warm start leaves nothing behind in the store.
            var warmStart = MapWarmStart();
            var (s, store) = (_settings, _settings.Open());
            var worker = WorkerIdentity.ForThisProcess(s.WorkerId);
            var settings = new Dictionary<string, string?>
            {
                ["maxTrials"] = s.MaxTrials?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["trainingTimeInSeconds"] = s.TimeBudget?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["tuner"] = tuner.GetType().FullName,
                ["pruner"] = s.Pruner?.GetType().FullName,
                ["warmStart"] = s.WarmStart?.Description,
                ["objectives"] = s.Objectives?.ToString(),
            };
            string definition = SweepDefinition.ToJson(_searchSpace, settings);
            _ledger = TrialLedger.Open(tuner, s, _monitor, _searchSpace, this,
                running => SweepStore.Open(store, s.OwnsStore, s.SweepName, worker, definition, s.HeartbeatTimeout, s.TimeProvider, running));
            WarmStart = warmStart == null ? null : _ledger.WarmStart(warmStart);
            return _ledger;
        }
    }
}
