// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.Pruners;

/// <summary>
/// Asynchronous successive halving (ASHA): at each rung (steps r, rη, rη², … with r the minimum resource) only the best
/// 1/η of the trials that reached the rung go on.
/// </summary>
/// <remarks>
/// <para>
/// After Li et al., "A System for Massively Parallel Hyperparameter Tuning" (MLSys 2020). Rung k sits at step
/// <c>minResource · η^(minEarlyStoppingRate + k)</c>. When a trial's report reaches a rung, its value there is ranked
/// among the values every trial of the sweep had at that rung (its first report at or after the rung's step), running,
/// pruned and completed trials alike, and it goes on only if it is among the best <c>max(1, n / η)</c> of the n.
/// </para>
/// <para>
/// Trials are not paused and resumed, so the first trials to reach a rung compete with fewer others; with fewer than η
/// of them, only the best one goes on, as in Optuna.
/// </para>
/// </remarks>
public sealed class SuccessiveHalvingPruner : IPruner
{
    /// <summary>Initializes an ASHA pruner.</summary>
    /// <param name="minResource">The step of the first rung (for example epochs); at least 1.</param>
    /// <param name="reductionFactor">η: one in η trials goes on at each rung; at least 2.</param>
    /// <param name="minEarlyStoppingRate">Moves the first rung to <c>minResource · η^rate</c>; at least 0.</param>
    public SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 3, int minEarlyStoppingRate = 0)
    {
        PrunerChecks.AtLeast(minResource, 1, nameof(minResource));
        PrunerChecks.AtLeast(reductionFactor, 2, nameof(reductionFactor));
        PrunerChecks.AtLeast(minEarlyStoppingRate, 0, nameof(minEarlyStoppingRate));
        MinResource = minResource;
        ReductionFactor = reductionFactor;
        MinEarlyStoppingRate = minEarlyStoppingRate;
    }

    /// <summary>Gets the step of the first rung before <see cref="MinEarlyStoppingRate"/> moves it.</summary>
    public int MinResource { get; }

    /// <summary>Gets η.</summary>
    public int ReductionFactor { get; }

    /// <summary>Gets the rate that moves the first rung.</summary>
    public int MinEarlyStoppingRate { get; }

    /// <summary>Gets the steps of the rungs up to <paramref name="maxStep"/>.</summary>
    /// <param name="maxStep">The largest step of interest.</param>
    /// <returns>The rung steps, growing.</returns>
    public IEnumerable<int> RungSteps(int maxStep)
    {
        for (long step = MinResource * (long)Math.Pow(ReductionFactor, MinEarlyStoppingRate); step <= maxStep; step *= ReductionFactor)
        {
            yield return (int)step;
        }
    }

    /// <summary>The rungs a trial's latest report reached: those after its previous report's step, up to its latest.</summary>
    internal IEnumerable<int> RungsReached(IReadOnlyList<IntermediateValue> values)
    {
        int previous = values.Count > 1 ? values[^2].Step : 0;
        return RungSteps(values[^1].Step).Where(r => r > previous);
    }

    /// <inheritdoc/>
    public bool ShouldPrune(TrialResult trial, IReadOnlyList<TrialResult> others)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(others);
        var values = trial.IntermediateValues;
        if (values.Count == 0)
        {
            return false;
        }

        foreach (int rung in RungsReached(values))
        {
            double own = values[^1].Loss;
            if (double.IsNaN(own))
            {
                return true;
            }

            var competing = others
                .Select(o => RungValue(o, rung))
                .Where(double.IsFinite)
                .Append(own)
                .Order()
                .ToList();
            int kept = Math.Max(1, competing.Count / ReductionFactor);
            if (own > competing[kept - 1])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A trial's value at a rung: its first report at or after the rung's step, or NaN.</summary>
    private static double RungValue(TrialResult trial, int rung)
        => trial.IntermediateValues.FirstOrDefault(v => v.Step >= rung)?.Loss ?? double.NaN;
}
