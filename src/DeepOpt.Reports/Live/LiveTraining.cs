// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.Trainers;
using Spectre.Console;

namespace DeepOpt.Reports.Live;

/// <summary>
/// Shows a fit's progress on the console: a live bar that moves every batch (epoch and batch, batch loss, then the
/// epoch's training and validation loss, validation metric, learning rate, elapsed time and ETA) in a terminal, one
/// plain line per epoch, never wrapped, when the output is redirected (CI, a log file).
/// </summary>
/// <example>
/// <code>
/// var model = LiveTraining.Run("MLP", progress =>
/// {
///     context.ReportTo(progress);       // epochs and batches; or context.Progress = progress for epochs only
///     return pipeline.Fit(train);
/// });
/// </code>
/// </example>
public static class LiveTraining
{
    /// <summary>Runs a fit with a progress display; the fit must pass the progress it is given to the trainer's fit context.</summary>
    /// <typeparam name="T">What the fit returns.</typeparam>
    /// <param name="description">A short name for the fit, shown before the bar.</param>
    /// <param name="fit">The fit, given the progress to report to.</param>
    /// <param name="console">The console; null for <see cref="AnsiConsole.Console"/>.</param>
    /// <returns>What the fit returned.</returns>
    public static T Run<T>(string description, Func<ITrainingProgress, T> fit, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        console ??= AnsiConsole.Console;
        if (!ConsoleMode.IsLive(console))
        {
            return fit(new LineProgress(new PlainLines(console), description));
        }

        return console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                return fit(new BarProgress(task, description));
            });
    }

    /// <summary>Describes an epoch in one line, the same words live and plain.</summary>
    /// <param name="report">The epoch.</param>
    /// <returns>The text.</returns>
    internal static string Describe(EpochReport report) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {report.Epoch}/{report.TotalEpochs}  loss {report.TrainLoss:F4}  val loss {Optional(report.ValidationLoss)}  val metric {Optional(report.ValidationMetric)}  lr {report.LearningRate:G3}  {report.Seconds:F1} s");

    private static string Optional(double? value) => value is double v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private sealed class BarProgress(ProgressTask task, string description) : ITrainingProgress
    {
        private string _lastEpoch = string.Empty;

        public void Report(EpochReport value)
        {
            task.MaxValue = value.TotalEpochs;
            task.Value = value.Epoch;
            _lastEpoch = Describe(value);
            task.Description = Markup.Escape($"{description}  {_lastEpoch}");
        }

        public void Report(BatchReport value)
        {
            // Measured in epochs, so the bar and its ETA move smoothly within an epoch.
            task.MaxValue = value.TotalEpochs;
            task.Value = value.Epoch - 1 + ((double)value.Batch / value.TotalBatches);
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{description}  epoch {value.Epoch}/{value.TotalEpochs} batch {value.Batch}/{value.TotalBatches} loss {value.Loss:F4}  {_lastEpoch}"));
        }
    }

    private sealed class LineProgress(PlainLines lines, string description) : ITrainingProgress
    {
        public void Report(EpochReport value) => lines.WriteLine($"{description}: {Describe(value)}");

        public void Report(BatchReport value)
        {
            // Plain output keeps one line per epoch: a line per batch would flood a log.
        }
    }
}
