// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace DeepOpt.Reports.Live;

/// <summary>A progress display that hears both epochs and batches; give it to a trainer with
/// <see cref="TrainingProgressExtensions.ReportTo"/>.</summary>
public interface ITrainingProgress : IProgress<EpochReport>, IProgress<BatchReport>
{
}

/// <summary>Connects a progress display to trainer options.</summary>
public static class TrainingProgressExtensions
{
    /// <summary>Sets both <see cref="DeepTrainerOptions.Progress"/> and <see cref="DeepTrainerOptions.BatchProgress"/>.</summary>
    /// <param name="options">The trainer's options.</param>
    /// <param name="progress">The display.</param>
    public static void ReportTo(this DeepTrainerOptions options, ITrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Progress = progress;
        options.BatchProgress = progress;
    }
}
