// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// For a tuner that walks a fixed sequence (random, grid): the trials it proposed, and the trials of this sweep it did
/// not propose (another worker's, or replayed), each of which takes one point of the sequence the first time the tuner
/// hears of it, so that workers sharing a seed do not walk the same points. A warm start's trials (an earlier sweep's)
/// are no trials of this sweep and take no point.
/// </summary>
internal sealed class ForeignTrials
{
    private readonly HashSet<int> _proposed = [];
    private readonly HashSet<int> _skipped = [];

    /// <summary>Notes a trial the tuner proposes.</summary>
    public void Proposed(TrialSettings settings) => _proposed.Add(settings.TrialId);

    /// <summary>Whether <paramref name="settings"/> is a trial of this sweep the tuner did not propose, heard of for the
    /// first time: then the tuner moves its sequence on by one point.</summary>
    public bool TakesAPoint(TrialSettings settings) =>
        !settings.IsWarmStart && !_proposed.Contains(settings.TrialId) && _skipped.Add(settings.TrialId);
}
