// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.Reports.Sweep;

/// <summary>
/// One trial with its nested parameter flattened to dotted keys (<c>Optimizer.LearningRate</c>, <c>Hidden[0]</c>),
/// each as the text a person reads and, where it has one, as a number a plot or a model can use.
/// </summary>
/// <param name="Result">The trial.</param>
/// <param name="Text">Every leaf of the parameter as text, by flattened key.</param>
/// <param name="Numbers">The leaves that are numbers or booleans (1 or 0), by flattened key; strings are absent.</param>
public sealed record FlatTrial(TrialResult Result, IReadOnlyDictionary<string, string> Text, IReadOnlyDictionary<string, double> Numbers)
{
    /// <summary>Gets the trial's id.</summary>
    public int TrialId => Result.TrialSettings.TrialId;
}
