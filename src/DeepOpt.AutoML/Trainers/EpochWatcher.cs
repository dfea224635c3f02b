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
        // The parameter count (and the latency when asked) go with every report: a multi-objective pruner compares
        // running trials on them.
        var measures = new Dictionary<string, double>();
        if (value.ParameterCount is { } count)
        {
            measures[TrialMeasures.ParameterCount] = count;
        }

        if (value.LatencyInMilliseconds is { } latency)
        {
            measures[TrialMeasures.LatencyInMilliseconds] = latency;
        }

        if (settings.ReportIntermediate(value.Epoch, intermediate.Loss, intermediate.Metric, measures.Count > 0 ? measures : null) && value.Epoch < value.TotalEpochs)
        {
            throw new TrialPrunedException($"Trial {settings.TrialId} was pruned after epoch {value.Epoch}.");
        }
    }
}
