// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML;

/// <content>
/// Warm starts: the sweep's tuner learns from an earlier sweep's trials before its first proposal, mapped onto the
/// trainers' spaces. A sweep of one trainer takes an earlier sweep's trials of that trainer (of one trainer, or of
/// several: those of the trainer with the same name); a sweep of several trainers takes an earlier sweep's of several,
/// each onto the trainer it names. <see cref="TuningExperiment.SetWarmStart(IEnumerable{TrialResult})"/> says how
/// options are mapped and what is left out.
/// </content>
public sealed partial class DeepOptExperiment
{
    /// <summary>Gets what the warm start gave the tuner: the trials, mapped onto this sweep's space, and how many were
    /// left out and why; null without a warm start, or until the sweep starts.</summary>
    public WarmStartSummary? WarmStart => _experiment.WarmStart;

    /// <summary>Warm-starts the sweep from earlier trials, for example an earlier experiment's <see cref="Trials"/>.</summary>
    /// <param name="trials">The trials; they are copied now.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>They are not this sweep's trials: not stored, not counted against <see cref="SetMaxTrials"/>, never the best.</remarks>
    public DeepOptExperiment SetWarmStart(IEnumerable<TrialResult> trials)
    {
        _settings.SetWarmStart(trials);
        return this;
    }

    /// <summary>Warm-starts the sweep from an earlier sweep in a store: the SQLite file it wrote with
    /// <see cref="SetStorage(string)"/>, or a PostgreSQL database. The store is read now and closed.</summary>
    /// <param name="pathOrConnectionString">A file path, <c>Data Source=...</c> or <c>Host=...</c>.</param>
    /// <param name="sweepName">The earlier sweep's name in the store; "default" unless it was set.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="FileNotFoundException">The SQLite file does not exist.</exception>
    /// <exception cref="ArgumentException">The store has no sweep of that name; the message lists the ones it has.</exception>
    public DeepOptExperiment SetWarmStart(string pathOrConnectionString, string sweepName = "default")
    {
        _settings.SetWarmStart(pathOrConnectionString, sweepName);
        return this;
    }

    /// <summary>Warm-starts the sweep from an earlier sweep in a store the caller keeps open; it is read now.</summary>
    /// <param name="store">The store.</param>
    /// <param name="sweepName">The earlier sweep's name in the store.</param>
    /// <returns>This experiment.</returns>
    /// <exception cref="ArgumentException">The store has no sweep of that name; the message lists the ones it has.</exception>
    public DeepOptExperiment SetWarmStart(ITrialStore store, string sweepName)
    {
        _settings.SetWarmStart(store, sweepName);
        return this;
    }
}
