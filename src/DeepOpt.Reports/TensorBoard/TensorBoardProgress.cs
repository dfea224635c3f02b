// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using TorchSharp;
using TorchSharp.Modules;

namespace DeepOpt.Reports.TensorBoard;

/// <summary>
/// Writes each epoch of a fit to a TensorBoard event file, through TorchSharp's <c>SummaryWriter</c>: the scalars
/// <c>loss/train</c>, <c>loss/validation</c>, <c>metric/validation</c>, <c>learning_rate</c> and <c>epoch_seconds</c>,
/// at step = epoch. Set it as <see cref="DeepFitContext.Progress"/> and run <c>tensorboard --logdir</c> on the folder.
/// </summary>
/// <example>
/// <code>
/// var context = new DeepFitContext { Progress = new TensorBoardProgress("runs/mlp", next: new ConsoleProgress()) };
/// </code>
/// </example>
public sealed class TensorBoardProgress : IProgress<EpochReport>
{
    private readonly SummaryWriter _writer;
    private readonly IProgress<EpochReport>? _next;
    private readonly object _gate = new();

    /// <summary>Creates the folder if needed and starts a new event file in it.</summary>
    /// <param name="logDirectory">The run's folder (TensorBoard shows one run per folder).</param>
    /// <param name="next">Another progress to pass each report on to, for example a console display; null for none.</param>
    public TensorBoardProgress(string logDirectory, IProgress<EpochReport>? next = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        _writer = torch.utils.tensorboard.SummaryWriter(logDirectory);
        _next = next;
    }

    /// <summary>Gets the folder the event file is in.</summary>
    public string LogDirectory => _writer.LogDir;

    /// <summary>Writes one epoch's scalars, then passes the report on.</summary>
    /// <param name="value">The epoch's report.</param>
    public void Report(EpochReport value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            Scalars.Write(_writer, value.Epoch,
                ("loss/train", value.TrainLoss),
                ("loss/validation", value.ValidationLoss),
                ("metric/validation", value.ValidationMetric),
                ("learning_rate", value.LearningRate),
                ("epoch_seconds", value.Seconds));
        }

        _next?.Report(value);
    }
}
