// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace DeepOpt.Reports.Live;

/// <summary>A progress display that hears both epochs and batches; give it to a trainer with
/// <see cref="TrainingProgressExtensions.ReportTo"/>.</summary>
public interface ITrainingProgress : IProgress<EpochReport>, IProgress<BatchReport>
{
}

/// <summary>Connects a progress display to a trainer's fit context.</summary>
public static class TrainingProgressExtensions
{
    /// <summary>Sets both <see cref="DeepFitContext.Progress"/> and <see cref="DeepFitContext.BatchProgress"/>.</summary>
    /// <param name="context">The fit context given to the trainer.</param>
    /// <param name="progress">The display.</param>
    public static void ReportTo(this DeepFitContext context, ITrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Progress = progress;
        context.BatchProgress = progress;
    }
}
