// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.AutoML.Pruners;
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
/// no new trial starts, and the best result so far is returned. <see cref="RunAsync"/> is built on the public
/// <see cref="Ask"/> / <see cref="Tell(int, TrialResult)"/> pair, so callers can drive trials themselves.
/// </para>
/// <para>
/// A running trial reports intermediate values through <see cref="TrialSettings.ReportIntermediate"/>; with a pruner
/// set (<see cref="SetPruner"/>), the answer says whether to stop it. A trial stopped that way (the runner throws
/// <see cref="TrialPrunedException"/> or returns <see cref="TrialState.Pruned"/>) is recorded as pruned with its last
/// reported value: the tuner hears about it as pruned, it never counts as a failure and never becomes the best trial.
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
public sealed class TuningExperiment : IIntermediateReporter
{
    private readonly object _gate = new();
    private readonly Dictionary<int, TrialSettings> _running = [];
    private readonly List<TrialResult> _finished = [];
    private readonly Dictionary<int, TrialResult> _progress = [];
    private ITuner? _tuner;
    private ITrialRunner? _runner;
    private IMonitor? _monitor;
    private IPruner? _pruner;
    private int? _maxTrials;
    private TimeSpan? _timeBudget;
    private int _nextTrialId;
    private Exception? _firstFailure;
    private string? _firstFailureMessage;

    /// <summary>Gets the best completed trial so far (lowest loss), or null.</summary>
    public TrialResult? BestResult { get; private set; }

    /// <summary>Gets the finished trials (completed, pruned and failed), in the order they finished.</summary>
    public IReadOnlyList<TrialResult> Trials
    {
        get
        {
            lock (_gate)
            {
                return _finished.ToArray();
            }
        }
    }

    /// <summary>Sets the tuner that proposes configurations.</summary>
    /// <param name="tuner">The tuner.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetTuner(ITuner tuner)
    {
        _tuner = tuner ?? throw new ArgumentNullException(nameof(tuner));
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
        return this;
    }

    /// <summary>Sets the pruner that stops hopeless trials from their intermediate values.</summary>
    /// <param name="pruner">The pruner, for example <see cref="MedianPruner"/> or <see cref="SuccessiveHalvingPruner"/>.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetPruner(IPruner pruner)
    {
        _pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));
        return this;
    }

    /// <summary>Sets the largest number of trials to run, failed ones included.</summary>
    /// <param name="maxTrials">At least 1.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetMaxTrials(int maxTrials)
    {
        if (maxTrials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTrials), $"`maxTrials` must be at least 1, but got {maxTrials}.");
        }

        _maxTrials = maxTrials;
        return this;
    }

    /// <summary>Sets the time budget: no trial starts after it, and the running one is cancelled when it runs out.</summary>
    /// <param name="seconds">Positive.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetTrainingTimeInSeconds(double seconds)
    {
        if (!(seconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), $"`seconds` must be positive, but got {seconds}.");
        }

        _timeBudget = TimeSpan.FromSeconds(seconds);
        return this;
    }

    /// <summary>Starts a trial: the tuner proposes its configuration.</summary>
    /// <returns>The trial's settings, with the proposed <see cref="TrialSettings.Parameter"/>.</returns>
    public TrialSettings Ask()
    {
        var tuner = _tuner ?? throw new InvalidOperationException("Set a tuner with SetTuner before asking for a trial.");
        lock (_gate)
        {
            var settings = new TrialSettings { TrialId = _nextTrialId++, StartedAtUtc = DateTime.UtcNow, Reporter = this };
            settings.Parameter = tuner.Propose(settings);
            _running.Add(settings.TrialId, settings);
            _progress.Add(settings.TrialId, new TrialResult
            {
                TrialSettings = settings,
                State = TrialState.Running,
                Loss = double.NaN,
                Metric = double.NaN,
            });
            return settings;
        }
    }

    /// <summary>Records an intermediate value of a running trial and asks the pruner whether to stop it.</summary>
    /// <param name="trialId">The id <see cref="Ask"/> gave.</param>
    /// <param name="value">The value.</param>
    /// <returns>True when the pruner says the trial should stop.</returns>
    public bool Report(int trialId, IntermediateValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (!_progress.TryGetValue(trialId, out var running))
            {
                throw new InvalidOperationException($"Trial {trialId} is not running: it was never asked for, or it was already told.");
            }

            running.IntermediateValues.Add(value);
            running.Loss = value.Loss;
            running.Metric = value.Metric;
            if (_pruner == null)
            {
                return false;
            }

            var others = _finished.Concat(_progress.Values.Where(t => t.TrialSettings.TrialId != trialId)).ToList();
            return _pruner.ShouldPrune(running, others);
        }
    }

    /// <summary>Finishes a running trial with its result; a NaN or infinite loss makes it failed.</summary>
    /// <param name="trialId">The id <see cref="Ask"/> gave.</param>
    /// <param name="result">The result.</param>
    public void Tell(int trialId, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            var progress = TakeRunning(trialId);
            var settings = progress.TrialSettings;
            result.TrialSettings = settings;
            settings.EndedAtUtc ??= DateTime.UtcNow;
            if (result.IntermediateValues.Count == 0)
            {
                result.IntermediateValues = progress.IntermediateValues;
            }

            if (result.IsPruned)
            {
                FinishPruned(result);
                return;
            }

            if (result.IsFailed)
            {
                result.State = TrialState.Failed;
                result.ErrorMessage ??= $"The trial returned a loss of {result.Loss}.";
                Finish(result, null);
                return;
            }

            _tuner!.Update(result);
            _finished.Add(result);
            _monitor?.ReportCompletedTrial(result);
            if (BestResult == null || result.Loss < BestResult.Loss)
            {
                BestResult = result;
                _monitor?.ReportBestTrial(result);
            }
        }
    }

    /// <summary>Finishes a running trial as failed.</summary>
    /// <param name="trialId">The id <see cref="Ask"/> gave.</param>
    /// <param name="exception">Why it failed.</param>
    public void Tell(int trialId, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (_gate)
        {
            var progress = TakeRunning(trialId);
            var settings = progress.TrialSettings;
            settings.EndedAtUtc ??= DateTime.UtcNow;
            var result = new TrialResult
            {
                TrialSettings = settings,
                Loss = double.NaN,
                Metric = double.NaN,
                State = TrialState.Failed,
                ErrorMessage = exception.Message,
                DurationInMilliseconds = (settings.EndedAtUtc.Value - settings.StartedAtUtc).TotalMilliseconds,
                IntermediateValues = progress.IntermediateValues,
            };
            if (exception is TrialPrunedException)
            {
                result.State = TrialState.Pruned;
                FinishPruned(result);
                return;
            }

            Finish(result, exception);
        }
    }

    /// <summary>Runs trials until a budget is spent or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops the loop within one trial.</param>
    /// <returns>The best completed trial.</returns>
    /// <exception cref="InvalidOperationException">No tuner, runner or budget was set, or every trial failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before any trial completed.</exception>
    /// <exception cref="TimeoutException">The time budget ran out before any trial completed.</exception>
    public async Task<TrialResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_tuner == null || _runner == null)
        {
            throw new InvalidOperationException("Set a tuner with SetTuner and a runner with SetTrialRunner before running.");
        }

        if (_maxTrials == null && _timeBudget == null && !cancellationToken.CanBeCanceled)
        {
            throw new InvalidOperationException(
                "The experiment has no budget: call SetMaxTrials or SetTrainingTimeInSeconds, or pass a cancellation token.");
        }

        var clock = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_timeBudget is { } limit)
        {
            budget.CancelAfter(limit);
        }

        int started = 0;
        while ((_maxTrials == null || started < _maxTrials) && !budget.IsCancellationRequested)
        {
            var settings = Ask();
            started++;
            _monitor?.ReportRunningTrial(settings);
            try
            {
                var result = await _runner.RunAsync(settings, budget.Token).ConfigureAwait(false);
                Tell(settings.TrialId, result ?? throw new InvalidOperationException("The trial runner returned no result."));
            }
            catch (Exception ex)
            {
                Tell(settings.TrialId, ex);
                if (ex is OperationCanceledException && budget.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        if (BestResult != null)
        {
            return BestResult;
        }

        // A trial cut short by the caller or the clock is no failure of its own: report why the run stopped.
        if (_firstFailureMessage != null && (_firstFailure is not OperationCanceledException || !budget.IsCancellationRequested))
        {
            throw new InvalidOperationException(
                $"All {_finished.Count} trials failed. The first failure: {_firstFailureMessage}", _firstFailure);
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException($"The time budget of {_timeBudget?.TotalSeconds} s ran out before any trial completed "
            + $"(after {clock.Elapsed.TotalSeconds:F1} s). Raise it with SetTrainingTimeInSeconds.");
    }

    private TrialResult TakeRunning(int trialId)
    {
        if (!_running.Remove(trialId) || !_progress.Remove(trialId, out var progress))
        {
            throw new InvalidOperationException(
                $"Trial {trialId} is not running: it was never asked for, or it was already told.");
        }

        return progress;
    }

    private void FinishPruned(TrialResult pruned)
    {
        // A pruned trial keeps its last reported value: it is what the trial reached, and tuners read it as such.
        if (!double.IsFinite(pruned.Loss) && pruned.IntermediateValues.Count > 0)
        {
            pruned.Loss = pruned.IntermediateValues[^1].Loss;
            pruned.Metric = pruned.IntermediateValues[^1].Metric;
        }

        pruned.ErrorMessage = null;
        _tuner!.Update(pruned);
        _finished.Add(pruned);
        _monitor?.ReportPrunedTrial(pruned);
    }

    private void Finish(TrialResult failed, Exception? exception)
    {
        _tuner!.Update(failed);
        _finished.Add(failed);
        if (_firstFailureMessage == null)
        {
            _firstFailure = exception;
            _firstFailureMessage = failed.ErrorMessage;
        }

        _monitor?.ReportFailTrial(failed.TrialSettings, exception);
    }
}
