// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Trainers;

namespace DeepOpt.AutoML;

/// <summary>
/// Hears each epoch of a trial's fit: reports its validation value to the experiment and, when the pruner says so,
/// throws <see cref="TrialPrunedException"/>, which ends the fit (the engine releases the network) and makes the
/// experiment record the trial as pruned: the one way a pruned trial stops.
/// </summary>
internal sealed class EpochWatcher(
    TrialSettings settings,
    TaskEvaluator evaluator,
    bool reportIntermediate,
    IProgress<EpochReport>? userProgress) : IProgress<EpochReport>
{
    public void Report(EpochReport value)
    {
        userProgress?.Report(value);
        if (!reportIntermediate)
        {
            return;
        }

        var intermediate = evaluator.Intermediate(value);
        // The last epoch finishes the trial whatever the pruner says: the work is done.
        // The parameter count goes with every report: a multi-objective pruner compares running trials on it.
        var measures = value.ParameterCount is { } count ? new Dictionary<string, double> { [TrialMeasures.ParameterCount] = count } : null;
        if (settings.ReportIntermediate(value.Epoch, intermediate.Loss, intermediate.Metric, measures) && value.Epoch < value.TotalEpochs)
        {
            throw new TrialPrunedException($"Trial {settings.TrialId} was pruned after epoch {value.Epoch}.");
        }
    }
}
