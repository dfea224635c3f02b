// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// A value a trial reports while it runs, for example its validation loss after an epoch; pruners compare trials on it.
/// </summary>
/// <param name="Step">The step it belongs to (an epoch, counted from 1, or any growing resource).</param>
/// <param name="Loss">The loss at that step, minimised like <see cref="TrialResult.Loss"/>.</param>
/// <param name="Metric">The metric at that step as the user reads it.</param>
public sealed record IntermediateValue(int Step, double Loss, double Metric)
{
    /// <summary>Gets values of the trial that training does not change, known while it runs (for example its parameter
    /// count or its measured latency), by name as the objectives and constraints name them; null when none. A
    /// multi-objective pruner (<see cref="Pruners.ParetoPruner"/>) compares running trials on them.</summary>
    public IReadOnlyDictionary<string, double>? Measures { get; init; }
}
