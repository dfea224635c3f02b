// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.Pruners;

/// <summary>
/// Hyperband: several successive-halving brackets that start pruning at different rungs, so a sweep hedges between
/// judging trials early (many cheap trials) and late (few trials judged on more training).
/// </summary>
/// <remarks>
/// After Li et al., "Hyperband" (JMLR 2018), in its asynchronous form: bracket b is a
/// <see cref="SuccessiveHalvingPruner"/> whose first rung is <c>minResource · η^b</c>, and trials compete only with
/// trials of their own bracket. Trials are dealt to brackets by id (a fixed shuffle, the same in every process), bracket b getting a share proportional to the
/// number of configurations Hyperband gives it, <c>ceil(B / (B - b) · η^(B - 1 - b))</c> for B brackets.
/// </remarks>
public sealed class HyperbandPruner : IPruner
{
    private readonly SuccessiveHalvingPruner[] _brackets;
    private readonly int[] _deal;

    /// <summary>Initializes a Hyperband pruner.</summary>
    /// <param name="maxResource">The step a trial runs to when never pruned (for example the epochs); at least <paramref name="minResource"/>.</param>
    /// <param name="minResource">The step of the earliest rung; at least 1.</param>
    /// <param name="reductionFactor">η; at least 2.</param>
    public HyperbandPruner(int maxResource, int minResource = 1, int reductionFactor = 3)
    {
        PrunerChecks.AtLeast(minResource, 1, nameof(minResource));
        PrunerChecks.AtLeast(maxResource, minResource, nameof(maxResource));
        PrunerChecks.AtLeast(reductionFactor, 2, nameof(reductionFactor));
        int count = 1;
        while ((long)minResource * (long)Math.Pow(reductionFactor, count) <= maxResource)
        {
            count++;
        }

        _brackets = Enumerable.Range(0, count)
            .Select(b => new SuccessiveHalvingPruner(minResource, reductionFactor, b))
            .ToArray();
        var deal = new List<int>();
        for (int b = 0; b < count; b++)
        {
            int share = (int)Math.Ceiling(count / (double)(count - b) * Math.Pow(reductionFactor, count - 1 - b));
            deal.AddRange(Enumerable.Repeat(b, share));
        }

        // Interleaved with a fixed shuffle, so the first trials of a sweep already spread over the brackets.
        _deal = deal.ToArray();
        new Random(_deal.Length).Shuffle(_deal);
    }

    /// <summary>Gets the number of brackets.</summary>
    public int BracketCount => _brackets.Length;

    /// <summary>Gets the bracket a trial belongs to.</summary>
    /// <param name="trialId">The trial's id.</param>
    /// <returns>The bracket, from 0 (prunes earliest) to <see cref="BracketCount"/> - 1.</returns>
    public int BracketOf(int trialId) => _deal[(int)((uint)trialId % (uint)_deal.Length)];

    /// <inheritdoc/>
    public bool ShouldPrune(TrialResult trial, IReadOnlyList<TrialResult> others)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(others);
        int bracket = BracketOf(trial.TrialSettings.TrialId);
        var sameBracket = others.Where(o => BracketOf(o.TrialSettings.TrialId) == bracket).ToList();
        return _brackets[bracket].ShouldPrune(trial, sameBracket);
    }
}
