// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// What a warm start gave the tuner: the earlier trials it learnt from, mapped onto this sweep's search space, and how
/// many were left out and why.
/// </summary>
public sealed class WarmStartSummary
{
    internal WarmStartSummary(string source, IReadOnlyList<TrialResult> trials, IReadOnlyDictionary<string, int> skipped)
    {
        Source = source;
        Trials = trials;
        Skipped = skipped;
    }

    /// <summary>Gets where the trials came from, for example <c>sweep 'default' in the SQLite file 'a.db'</c>.</summary>
    public string Source { get; }

    /// <summary>Gets the trials the tuner was told before its first proposal, in the source's order: each with the
    /// configuration mapped onto this sweep's space and a negative id (-1, -2, ...), so that
    /// <see cref="TrialSettings.IsWarmStart"/> is true.</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Gets the trials left out, by reason: for example <c>failed</c>, <c>running</c>,
    /// <c>'lr' outside [0.001, 1]</c>, <c>'optimizer' not one of [sgd, adam]</c> or <c>already a trial of this sweep</c>.</summary>
    /// <value>Reason to number of trials; empty when every trial was used.</value>
    public IReadOnlyDictionary<string, int> Skipped { get; }

    /// <summary>Gets how many trials were left out.</summary>
    public int SkippedCount => Skipped.Values.Sum();

    /// <summary>One line: how many trials were used from where, and how many were skipped and why.</summary>
    /// <returns>For example <c>12 trials from sweep 'default' in the SQLite file 'a.db'; 3 skipped: 2 'lr' outside [0.001, 1], 1 failed</c>.</returns>
    public override string ToString()
    {
        string used = string.Create(CultureInfo.InvariantCulture, $"{Trials.Count} trials from {Source}");
        return Skipped.Count == 0
            ? used
            : string.Create(CultureInfo.InvariantCulture,
                $"{used}; {SkippedCount} skipped: {string.Join(", ", Skipped.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Value} {kv.Key}"))}");
    }
}
