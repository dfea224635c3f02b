// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// What an experiment is told before it runs, in one object: the budgets, the pruner, the store and the sweep's name,
/// the worker, the clock, how many trials run at once and the earlier trials it is warm-started from.
/// <see cref="TuningExperiment"/> holds one, and <c>DeepOptExperiment</c> holds one that it shares with the tuning
/// experiment it runs; their fluent setters check and set values here, so each check is written once.
/// </summary>
internal sealed class ExperimentSettings
{
    /// <summary>Gets the largest number of trials, or null for no trial budget.</summary>
    public int? MaxTrials { get; private set; }

    /// <summary>Gets the time budget, or null for none.</summary>
    public TimeSpan? TimeBudget { get; private set; }

    /// <summary>Gets the pruner, or null for none; a change takes effect at the next report, also during a run.</summary>
    public IPruner? Pruner { get; private set; }

    /// <summary>Gets the store, or null until the sweep opens (then an in-memory one).</summary>
    public ITrialStore? Store { get; private set; }

    /// <summary>Gets a value indicating whether the experiment opened <see cref="Store"/> and closes it.</summary>
    public bool OwnsStore { get; private set; }

    /// <summary>Gets the sweep's name in its store.</summary>
    public string SweepName { get; private set; } = "default";

    /// <summary>Gets this worker's id, or null for <c>host-pid-random</c>.</summary>
    public string? WorkerId { get; private set; }

    /// <summary>Gets how long a running trial may go without a heartbeat.</summary>
    public TimeSpan HeartbeatTimeout { get; private set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; private set; } = TimeProvider.System;

    /// <summary>Gets how many trials run at once in this process.</summary>
    public int ParallelTrials { get; private set; } = 1;

    /// <summary>Gets the trials the sweep is warm-started from, or null for none.</summary>
    public WarmStartSource? WarmStart { get; private set; }

    /// <summary>Gets a value indicating whether the sweep is open, after which its store, name, worker and clock are fixed.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Gets the objectives and constraints of a multi-objective experiment, or null for a single objective.</summary>
    public MultiObjective.ObjectiveSet? Objectives { get; private set; }

    public void SetObjectives(MultiObjective.ObjectiveSet objectives)
    {
        EnsureNotOpen(nameof(SetObjectives));
        Objectives = objectives ?? throw new ArgumentNullException(nameof(objectives));
    }

    public void SetMaxTrials(int maxTrials)
    {
        if (maxTrials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTrials), $"`maxTrials` must be at least 1, but got {maxTrials}.");
        }

        MaxTrials = maxTrials;
    }

    public void SetTrainingTimeInSeconds(double seconds)
    {
        if (!(seconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), $"`seconds` must be positive, but got {seconds}.");
        }

        TimeBudget = TimeSpan.FromSeconds(seconds);
    }

    public void SetPruner(IPruner pruner) => Pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));

    public void SetStorage(string pathOrConnectionString)
    {
        EnsureNotOpen(nameof(SetStorage));
        SetStorage(TrialStores.Open(pathOrConnectionString));
        OwnsStore = true;
    }

    public void SetStorage(ITrialStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        EnsureNotOpen(nameof(SetStorage));
        CloseOwnedStore();
        Store = store;
    }

    public void SetSweepName(string sweepName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sweepName);
        EnsureNotOpen(nameof(SetSweepName));
        SweepName = sweepName;
    }

    public void SetWorkerId(string workerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        EnsureNotOpen(nameof(SetWorkerId));
        WorkerId = workerId;
    }

    public void SetHeartbeatTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), $"`timeout` must be positive, but got {timeout}.");
        }

        HeartbeatTimeout = timeout;
    }

    public void SetTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        EnsureNotOpen(nameof(SetTimeProvider));
        TimeProvider = timeProvider;
    }

    public void SetParallelTrials(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"`count` must be at least 1, but got {count}.");
        }

        ParallelTrials = count;
    }

    public void SetWarmStart(IEnumerable<TrialResult> trials)
    {
        EnsureNotOpen("SetWarmStart");
        WarmStart = WarmStartSource.FromTrials(trials);
    }

    public void SetWarmStart(string pathOrConnectionString, string sweepName)
    {
        EnsureNotOpen("SetWarmStart");
        WarmStart = WarmStartSource.FromStore(pathOrConnectionString, sweepName);
    }

    public void SetWarmStart(ITrialStore store, string sweepName)
    {
        EnsureNotOpen("SetWarmStart");
        WarmStart = WarmStartSource.FromStore(store, sweepName);
    }

    /// <summary>Fixes the store (an in-memory one unless set), name, worker and clock as the sweep opens.</summary>
    public ITrialStore Open()
    {
        IsOpen = true;
        return Store ??= new InMemoryTrialStore(TimeProvider);
    }

    /// <summary>Closes the store when the experiment opened it; the open sweep closes it instead.</summary>
    public void CloseOwnedStore()
    {
        if (OwnsStore)
        {
            Store?.Dispose();
        }

        OwnsStore = false;
    }

    public void EnsureNotOpen(string method)
    {
        if (IsOpen)
        {
            throw new InvalidOperationException($"Call {method} before the first trial starts: the sweep is already open.");
        }
    }
}
