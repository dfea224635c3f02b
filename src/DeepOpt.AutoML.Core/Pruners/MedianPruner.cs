// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.AutoML.Pruners;

/// <summary>
/// Median stopping: stops a trial whose best value so far is worse than the median of the completed trials' values
/// at the same step.
/// </summary>
/// <remarks>
/// The rule of Golovin et al., "Google Vizier" (KDD 2017), in the per-step form Optuna uses. Nothing is pruned until
/// <see cref="StartupTrials"/> trials have completed, before step <see cref="WarmupSteps"/> is passed, or at steps
/// where fewer than <see cref="MinTrialsAtStep"/> completed trials reported a value.
/// </remarks>
public sealed class MedianPruner : IPruner
{
    /// <summary>Initializes a median pruner.</summary>
    /// <param name="startupTrials">Completed trials needed before anything is pruned; at least 1.</param>
    /// <param name="warmupSteps">Steps up to and including which a trial is never pruned; at least 0.</param>
    /// <param name="minTrialsAtStep">Completed trials with a value at the step needed to judge it; at least 1.</param>
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int minTrialsAtStep = 1)
    {
        PrunerChecks.AtLeast(startupTrials, 1, nameof(startupTrials));
        PrunerChecks.AtLeast(warmupSteps, 0, nameof(warmupSteps));
        PrunerChecks.AtLeast(minTrialsAtStep, 1, nameof(minTrialsAtStep));
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        MinTrialsAtStep = minTrialsAtStep;
    }

    /// <summary>Gets the completed trials needed before anything is pruned.</summary>
    public int StartupTrials { get; }

    /// <summary>Gets the steps up to and including which a trial is never pruned.</summary>
    public int WarmupSteps { get; }

    /// <summary>Gets the completed trials with a value at a step needed to judge that step.</summary>
    public int MinTrialsAtStep { get; }

    /// <inheritdoc/>
    public bool ShouldPrune(TrialResult trial, IReadOnlyList<TrialResult> others)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(others);
        if (trial.IntermediateValues.Count == 0)
        {
            return false;
        }

        int step = trial.IntermediateValues[^1].Step;
        var completed = others.Where(t => t.State == TrialState.Completed).ToList();
        if (step <= WarmupSteps || completed.Count < StartupTrials)
        {
            return false;
        }

        var atStep = completed
            .Select(t => t.IntermediateValues.LastOrDefault(v => v.Step == step))
            .Where(v => v != null && double.IsFinite(v.Loss))
            .Select(v => v!.Loss)
            .Order()
            .ToList();
        if (atStep.Count < MinTrialsAtStep)
        {
            return false;
        }

        double median = atStep.Count % 2 == 1
            ? atStep[atStep.Count / 2]
            : (atStep[(atStep.Count / 2) - 1] + atStep[atStep.Count / 2]) / 2;
        double best = trial.IntermediateValues.Min(v => double.IsNaN(v.Loss) ? double.PositiveInfinity : v.Loss);
        return best > median;
    }
}
