// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using DeepOpt.AutoML.Experiment;
using DeepOpt.Reports.Sweep;
using TorchSharp;
using TorchSharp.Modules;

namespace DeepOpt.Reports.TensorBoard;

/// <summary>
/// Writes a sweep to TensorBoard: one run (sub-folder <c>trial-0007</c>) per trial, and one run <c>sweep</c> for the
/// whole experiment.
/// </summary>
/// <remarks>
/// <para>Each trial's run holds its hyperparameters as a Markdown table under the text tag <c>hparams</c> (TorchSharp's
/// writer has no HParams plugin), its intermediate values as <c>intermediate/loss</c> and <c>intermediate/metric</c> by
/// step, its outcome as the text tag <c>state</c>, and, for a completed or pruned trial, <c>final/loss</c>,
/// <c>final/metric</c> and <c>final/duration_seconds</c> at its last step.</para>
/// <para>The <c>sweep</c> run charts <c>trial/loss</c>, <c>trial/metric</c> and <c>best/loss</c> by trial id, the
/// optimisation history. Give it to the experiment's <c>SetMonitor</c>; pass another monitor as <c>next</c> to
/// keep, say, a console display too.</para>
/// </remarks>
public sealed class TensorBoardMonitor : IMonitor
{
    private readonly string _logDirectory;
    private readonly Dictionary<int, SummaryWriter> _trials = [];
    private readonly object _gate = new();
    private readonly IMonitor? _next;
    private SummaryWriter? _sweep;

    /// <summary>Creates a monitor that writes under a folder; nothing is written until the first trial starts.</summary>
    /// <param name="logDirectory">The folder to point <c>tensorboard --logdir</c> at.</param>
    /// <param name="next">Another monitor to pass every report on to; null for none.</param>
    public TensorBoardMonitor(string logDirectory, IMonitor? next = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        _logDirectory = logDirectory;
        _next = next;
    }

    /// <summary>Gets the folder of a trial's run.</summary>
    /// <param name="trialId">The trial's id.</param>
    /// <returns>The folder.</returns>
    public string TrialDirectory(int trialId) => Path.Combine(_logDirectory, $"trial-{trialId.ToString("D4", CultureInfo.InvariantCulture)}");

    /// <inheritdoc />
    public void ReportRunningTrial(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_gate)
        {
            Trial(settings.TrialId).add_text("hparams", HyperparameterTable(settings), 0);
        }

        _next?.ReportRunningTrial(settings);
    }

    /// <inheritdoc />
    public void ReportCompletedTrial(TrialResult result)
    {
        Finish(result);
        _next?.ReportCompletedTrial(result);
    }

    /// <inheritdoc />
    public void ReportPrunedTrial(TrialResult result)
    {
        Finish(result);
        _next?.ReportPrunedTrial(result);
    }

    /// <inheritdoc />
    public void ReportBestTrial(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            Scalars.Write(Sweep(), result.TrialSettings.TrialId, ("best/loss", result.Loss), ("best/metric", result.Metric));
        }

        _next?.ReportBestTrial(result);
    }

    /// <inheritdoc />
    public void ReportCanceledTrial(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            Trial(result.TrialSettings.TrialId).add_text("state", $"Canceled: {result.ErrorMessage}", 0);
        }

        _next?.ReportCanceledTrial(result);
    }

    /// <inheritdoc />
    public void ReportFailTrial(TrialResult result, Exception? exception = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            Trial(result.TrialSettings.TrialId).add_text("state", $"Failed: {TrialLines.Failure(result, exception)}", 0);
        }

        _next?.ReportFailTrial(result, exception);
    }

    private void Finish(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            var writer = Trial(result.TrialSettings.TrialId);
            foreach (var value in result.IntermediateValues)
            {
                Scalars.Write(writer, value.Step, ("intermediate/loss", value.Loss), ("intermediate/metric", value.Metric));
            }

            int last = result.IntermediateValues.Count > 0 ? result.IntermediateValues[^1].Step : 0;
            Scalars.Write(writer, last, ("final/loss", result.Loss), ("final/metric", result.Metric),
                ("final/duration_seconds", result.DurationInMilliseconds / 1000));
            writer.add_text("state", result.State.ToString(), last);
            Scalars.Write(Sweep(), result.TrialSettings.TrialId, ("trial/loss", result.Loss), ("trial/metric", result.Metric));
        }
    }

    private SummaryWriter Trial(int trialId)
    {
        if (!_trials.TryGetValue(trialId, out var writer))
        {
            writer = torch.utils.tensorboard.SummaryWriter(TrialDirectory(trialId));
            _trials[trialId] = writer;
        }

        return writer;
    }

    private SummaryWriter Sweep() => _sweep ??= torch.utils.tensorboard.SummaryWriter(Path.Combine(_logDirectory, "sweep"));

    private static string HyperparameterTable(TrialSettings settings)
    {
        var flat = TrialFlattener.Flatten(new TrialResult { TrialSettings = settings });
        var table = new StringBuilder("| parameter | value |\n|---|---|\n");
        foreach (var (key, value) in flat.Text)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {key} | {value} |\n");
        }

        return table.ToString();
    }
}
