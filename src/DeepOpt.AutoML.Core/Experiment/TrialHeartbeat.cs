// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// Beats for a worker's running trials from a background timer, so that other workers can tell a live trial from one
/// whose process died. A failed beat is retried at the next tick: a short database outage does not stop a trial.
/// </summary>
internal sealed class TrialHeartbeat : IDisposable
{
    private readonly ITrialStore _store;
    private readonly string _sweepName;
    private readonly string _workerId;
    private readonly Func<IReadOnlyCollection<int>> _runningTrials;
    private readonly ITimer _timer;

    public TrialHeartbeat(
        ITrialStore store, string sweepName, string workerId, TimeSpan interval, Func<IReadOnlyCollection<int>> runningTrials, TimeProvider timeProvider)
    {
        _store = store;
        _sweepName = sweepName;
        _workerId = workerId;
        _runningTrials = runningTrials;
        _timer = timeProvider.CreateTimer(_ => Beat(), null, interval, interval);
    }

    /// <summary>Gets the last error of a beat, or null when the last beat went through.</summary>
    public Exception? LastError { get; private set; }

    public void Dispose() => _timer.Dispose();

    private void Beat()
    {
        try
        {
            _store.Heartbeat(_sweepName, _workerId, _runningTrials());
            LastError = null;
        }
        catch (Exception ex) when (ex is TrialStoreException or ObjectDisposedException or InvalidOperationException)
        {
            LastError = ex;
        }
    }
}
