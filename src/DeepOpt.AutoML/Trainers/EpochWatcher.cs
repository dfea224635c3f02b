// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Trainers;

namespace DeepOpt.AutoML;

/// <summary>
/// Hears each epoch of a trial's fit: reports its validation value to the experiment, and stops the fit (at the next
/// batch, through its cancellation source) when the pruner says so.
/// </summary>
internal sealed class EpochWatcher(
    TrialSettings settings,
    TaskEvaluator evaluator,
    CancellationTokenSource stop,
    bool reportIntermediate,
    IProgress<EpochReport>? userProgress) : IProgress<EpochReport>
{
    /// <summary>Gets a value indicating whether the pruner stopped the fit.</summary>
    public bool Pruned { get; private set; }

    /// <summary>Gets the last epoch heard, 0 before the first.</summary>
    public int LastEpoch { get; private set; }

    public void Report(EpochReport value)
    {
        userProgress?.Report(value);
        LastEpoch = value.Epoch;
        if (!reportIntermediate)
        {
            return;
        }

        var intermediate = evaluator.Intermediate(value);
        // The last epoch finishes the trial whatever the pruner says: the work is done.
        if (settings.ReportIntermediate(value.Epoch, intermediate.Loss, intermediate.Metric) && value.Epoch < value.TotalEpochs)
        {
            Pruned = true;
            stop.Cancel();
        }
    }
}
