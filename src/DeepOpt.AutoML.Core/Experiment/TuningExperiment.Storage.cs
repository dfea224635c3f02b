// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Experiment;

/// <content>Where the sweep's trials are kept, under which name, by which worker, and how long a silent worker's trials
/// stay its own.</content>
public sealed partial class TuningExperiment
{
    /// <summary>Sets where trials are kept: a file path (SQLite), a SQLite connection string (<c>Data Source=...</c>)
    /// or a PostgreSQL one (<c>Host=...;Username=...;Password=...;Database=...</c>).</summary>
    /// <param name="pathOrConnectionString">The path or connection string.</param>
    /// <returns>This experiment.</returns>
    /// <remarks>A sweep on a SQLite file resumes after a crash; on PostgreSQL, many workers share it. The experiment
    /// owns the store it opens and closes it in <see cref="Dispose"/>.</remarks>
    public TuningExperiment SetStorage(string pathOrConnectionString)
    {
        _settings.SetStorage(pathOrConnectionString);
        return this;
    }

    /// <summary>Sets the store that keeps the trials; the caller keeps ownership of it.</summary>
    /// <param name="store">The store, for example <see cref="InMemoryTrialStore"/> or <see cref="SqliteTrialStore"/>.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetStorage(ITrialStore store)
    {
        _settings.SetStorage(store);
        return this;
    }

    /// <summary>Sets the sweep's name: experiments on one store with the same name share (and resume) its trials.</summary>
    /// <param name="sweepName">The name; "default" unless set.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetSweepName(string sweepName)
    {
        _settings.SetSweepName(sweepName);
        return this;
    }

    /// <summary>Sets this worker's id, recorded with each trial it runs.</summary>
    /// <param name="workerId">The id, unique among the sweep's workers; <c>host-pid-random</c> unless set.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetWorkerId(string workerId)
    {
        _settings.SetWorkerId(workerId);
        return this;
    }

    /// <summary>Sets how long a running trial may go without a heartbeat before another worker marks it failed.
    /// Heartbeats are sent every quarter of it.</summary>
    /// <param name="timeout">Positive; 60 s unless set. Make it longer than any pause of a worker (a long garbage
    /// collection, a network hiccup), or its live trials get reclaimed.</param>
    /// <returns>This experiment.</returns>
    public TuningExperiment SetHeartbeatTimeout(TimeSpan timeout)
    {
        _settings.SetHeartbeatTimeout(timeout);
        return this;
    }
}
