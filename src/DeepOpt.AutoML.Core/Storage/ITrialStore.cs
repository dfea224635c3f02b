// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// Records the trials of sweeps: what ran, where, how it went. An experiment is ask/tell over a store, so a sweep
/// survives its process and many workers can share one.
/// </summary>
/// <remarks>
/// <para>The contract every store keeps:</para>
/// <list type="bullet">
/// <item><description>Thread-safe, and safe across processes sharing the same database.</description></item>
/// <item><description>Every write is one transaction: a trial is never half recorded.</description></item>
/// <item><description>Returned records are snapshots: changing them changes nothing in the store.</description></item>
/// <item><description>A finished trial (completed, pruned or failed) never changes again.</description></item>
/// <item><description>Trial ids are unique within a sweep, counting from 0, and reserved atomically.</description></item>
/// </list>
/// </remarks>
public interface ITrialStore : IDisposable
{
    /// <summary>Gets where the store keeps its data, for messages (for example <c>SQLite file 'sweep.db'</c>).</summary>
    string Location { get; }

    /// <summary>Creates a sweep with its definition, or finds the one already there.</summary>
    /// <param name="sweepName">The sweep.</param>
    /// <param name="definitionJson">The sweep's search space and settings as JSON, stored when the sweep is new.</param>
    /// <returns>The stored definition: <paramref name="definitionJson"/> for a new sweep, else the first one stored.</returns>
    string OpenSweep(string sweepName, string definitionJson);

    /// <summary>Starts a trial, all in one transaction that no other worker interleaves with: reclaims the running
    /// trials of dead workers, checks the budget, reserves the next trial id, asks <paramref name="propose"/> for the
    /// configuration and records the trial as running.</summary>
    /// <param name="sweepName">The sweep.</param>
    /// <param name="worker">Who runs the trial.</param>
    /// <param name="maxTrials">The sweep's trial budget: no trial starts once this many exist, whatever their state;
    /// null for none.</param>
    /// <param name="heartbeatTimeout">A running trial whose heartbeat is older than this is marked failed.</param>
    /// <param name="propose">Given the new trial id and every trial of the sweep, returns the configuration.</param>
    /// <returns>The new running trial, or null when the budget is spent.</returns>
    StoredTrial? StartTrial(
        string sweepName,
        WorkerIdentity worker,
        int? maxTrials,
        TimeSpan heartbeatTimeout,
        Func<int, IReadOnlyList<StoredTrial>, Parameter> propose);

    /// <summary>Records the intermediate values a running trial reported so far.</summary>
    /// <param name="sweepName">The sweep.</param>
    /// <param name="trialId">The running trial.</param>
    /// <param name="values">Every value so far, in order.</param>
    void ReportIntermediate(string sweepName, int trialId, IReadOnlyList<IntermediateValue> values);

    /// <summary>Tells the store that a worker's running trials are alive.</summary>
    /// <param name="sweepName">The sweep.</param>
    /// <param name="workerId">The worker.</param>
    /// <param name="trialIds">Its running trials.</param>
    void Heartbeat(string sweepName, string workerId, IReadOnlyCollection<int> trialIds);

    /// <summary>Records how a running trial ended.</summary>
    /// <param name="sweepName">The sweep.</param>
    /// <param name="workerId">The worker that ran it.</param>
    /// <param name="result">The result; its state is completed, pruned, failed or canceled.</param>
    /// <returns>False when the trial was no longer running (another worker reclaimed it): the store keeps the
    /// record it has.</returns>
    bool FinishTrial(string sweepName, string workerId, TrialResult result);

    /// <summary>Gets every trial of a sweep, ordered by id.</summary>
    /// <param name="sweepName">The sweep.</param>
    /// <returns>Snapshots of the trials; empty when the sweep has none or does not exist.</returns>
    IReadOnlyList<StoredTrial> GetTrials(string sweepName);

    /// <summary>Gets the names of the sweeps the store holds, so that a message about a sweep name it lacks can list
    /// the ones it has.</summary>
    /// <returns>The names, in ordinal order; empty for a store that holds no sweep.</returns>
    IReadOnlyList<string> GetSweepNames();
}
