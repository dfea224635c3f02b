// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using Microsoft.ML;

namespace DeepOpt.AutoML;

/// <summary>
/// Keeps the trained model of the experiment's best trial only. The trial runner hands each finished fit's model here
/// (<see cref="Hold"/>) instead of putting it in the trial's result, which stays plain data; whenever a trial ends,
/// every model of an ended trial but the best trial's is released, so that a sweep holds one trained network at a
/// time besides the trials still running. Which trial is best is the experiment's to say (<paramref name="best"/>);
/// this follows it, and passes every report on to the user's monitor.
/// </summary>
internal sealed class ModelKeeper(Func<TrialResult?> best, IMonitor? next) : IMonitor
{
    private readonly object _gate = new();
    private readonly Dictionary<int, ITransformer> _models = [];
    private readonly HashSet<int> _ended = [];

    /// <summary>Keeps the model a trial fitted, until the trial ends and is not the best.</summary>
    public void Hold(int trialId, ITransformer model)
    {
        lock (_gate)
        {
            _models[trialId] = model;
        }
    }

    /// <summary>Takes the model of a trial out of this keeper, or returns null when none is held.</summary>
    public ITransformer? Take(int trialId)
    {
        lock (_gate)
        {
            return _models.Remove(trialId, out var model) ? model : null;
        }
    }

    public void ReportRunningTrial(TrialSettings settings) => next?.ReportRunningTrial(settings);

    public void ReportCompletedTrial(TrialResult result)
    {
        Ended(result, release: false);
        next?.ReportCompletedTrial(result);
    }

    public void ReportBestTrial(TrialResult result)
    {
        ReleaseAllButBest();
        next?.ReportBestTrial(result);
    }

    public void ReportPrunedTrial(TrialResult result)
    {
        Ended(result, release: true);
        next?.ReportPrunedTrial(result);
    }

    public void ReportCanceledTrial(TrialResult result)
    {
        Ended(result, release: true);
        next?.ReportCanceledTrial(result);
    }

    public void ReportFailTrial(TrialResult result, Exception? exception = null)
    {
        Ended(result, release: true);
        next?.ReportFailTrial(result, exception);
    }

    /// <summary>Releases every held model of an ended trial but the best trial's.</summary>
    public void ReleaseAllButBest()
    {
        int? keep = best()?.TrialSettings.TrialId;
        List<ITransformer> released = [];
        lock (_gate)
        {
            foreach (int trialId in _ended.Where(id => id != keep && _models.ContainsKey(id)).ToList())
            {
                released.Add(_models[trialId]);
                _models.Remove(trialId);
            }
        }

        released.ForEach(TrialModels.Release);
    }

    private void Ended(TrialResult result, bool release)
    {
        int trialId = result.TrialSettings.TrialId;
        lock (_gate)
        {
            _ended.Add(trialId);
        }

        if (release)
        {
            TrialModels.Release(Take(trialId));
        }

        ReleaseAllButBest();
    }
}
