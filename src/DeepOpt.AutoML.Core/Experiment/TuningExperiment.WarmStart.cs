// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Experiment;

/// <content>
/// <para>
/// Warm starts: a new sweep seeded with an earlier sweep's trials, which the tuner learns from before its first
/// proposal.
/// The earlier trials are mapped onto this sweep's search space (<see cref="SetSearchSpace"/>) option by option: a value
/// inside the new option's range or candidates is kept, a value outside them leaves the whole trial out, an option the
/// trial lacks takes the new option's init value, and options only the trial has are ignored. Only completed and pruned
/// trials with a finite loss are used; failed, canceled and running ones are left out. <see cref="WarmStart"/> says
/// what was used and why the rest was left out.
/// </para>
/// <para>
/// The tuner hears of the trials through <see cref="Tuners.ITuner.Update"/>, with negative ids (-1, -2, ...) that never
/// collide with this sweep's, so <see cref="TrialSettings.IsWarmStart"/> tells them apart. They are not this sweep's
/// trials: the store does not hold them, the trial budget does not count them, <see cref="Trials"/> does not list them,
/// monitors and pruners do not hear of them and none of them is ever <see cref="BestResult"/>. The same seed and the
/// same warm start give the same proposals. A sweep resumed from its store is told the warm start again, then replays
/// its own trials; a warm-start trial the store already holds as this sweep's (the same configuration with the same
/// result, as when a sweep is warm-started from itself) is left out, so nothing is counted twice.
/// </para>
/// </content>
public sealed partial class TuningExperiment
{
    private IReadOnlyList<string>? _trainers;

    /// <summary>Gets what the warm start gave the tuner: the trials, mapped onto this sweep's space, and how many were
    /// left out and why; null without a warm start, or until the first trial opens the sweep.</summary>
    public WarmStartSummary? WarmStart { get; private set; }

    /// <summary>Warm-starts the sweep from earlier trials: the tuner learns from them before its first proposal.</summary>
    /// <param name="trials">The trials, for example an earlier experiment's <see cref="Trials"/>; they are copied now.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>Needs the search space (<see cref="SetSearchSpace"/>), onto which the trials are mapped when the sweep
    /// opens. A later call replaces the warm start.</remarks>
    public TuningExperiment SetWarmStart(IEnumerable<TrialResult> trials)
    {
        _settings.SetWarmStart(trials);
        return this;
    }

    /// <summary>Warm-starts the sweep from an earlier sweep's trials in a store: a SQLite file an earlier experiment
    /// wrote with <see cref="SetStorage(string)"/>, or a PostgreSQL database. The store is read now and closed.</summary>
    /// <param name="pathOrConnectionString">A file path, <c>Data Source=...</c> or <c>Host=...</c>, as for
    /// <see cref="SetStorage(string)"/>.</param>
    /// <param name="sweepName">The earlier sweep's name in the store; "default" unless it was set.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="FileNotFoundException">The SQLite file does not exist.</exception>
    /// <exception cref="ArgumentException">The store has no sweep of that name; the message lists the ones it has.</exception>
    public TuningExperiment SetWarmStart(string pathOrConnectionString, string sweepName = "default")
    {
        _settings.SetWarmStart(pathOrConnectionString, sweepName);
        return this;
    }

    /// <summary>Warm-starts the sweep from an earlier sweep's trials in a store the caller keeps open; they are read now.</summary>
    /// <param name="store">The store.</param>
    /// <param name="sweepName">The earlier sweep's name in the store.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="ArgumentException">The store has no sweep of that name; the message lists the ones it has.</exception>
    public TuningExperiment SetWarmStart(ITrialStore store, string sweepName)
    {
        _settings.SetWarmStart(store, sweepName);
        return this;
    }

    /// <summary>Names the trainers the search space holds (DeepOptExperiment's), so that trials of a sweep over
    /// several trainers map onto the same trainer here.</summary>
    internal void SetTrainers(IReadOnlyList<string> trainers) => _trainers = trainers;

    /// <summary>The warm start mapped onto the search space, or null without one.</summary>
    /// <exception cref="InvalidOperationException">No search space, or no earlier trial shares an option with it.</exception>
    private WarmStartMapping? MapWarmStart()
    {
        if (_settings.WarmStart is not { } source)
        {
            return null;
        }

        var space = _searchSpace ?? throw new InvalidOperationException(
            $"SetWarmStart needs this sweep's search space to map the earlier trials ({source.Description}) onto: call "
            + "SetSearchSpace with the space the tuner searches.");
        return WarmStartMapping.Map(source, space, _trainers);
    }
}
