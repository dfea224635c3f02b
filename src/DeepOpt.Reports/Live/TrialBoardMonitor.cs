// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.Reports.Live;

/// <summary>Feeds a <see cref="TrialBoard"/> from an experiment, then writes a plain line or redraws the live table.</summary>
internal sealed class TrialBoardMonitor(TrialBoard board, Action<string>? writeLine, Action? refresh) : IMonitor
{
    public void ReportRunningTrial(TrialSettings settings) => Show(board.Update(settings, TrialState.Running));

    public void ReportCompletedTrial(TrialResult result) => Show(board.Update(result.TrialSettings, TrialState.Completed, result));

    public void ReportPrunedTrial(TrialResult result) => Show(board.Update(result.TrialSettings, TrialState.Pruned, result));

    public void ReportBestTrial(TrialResult result) => Show(board.SetBest(result));

    public void ReportCanceledTrial(TrialResult result) =>
        Show(board.Update(result.TrialSettings, TrialState.Canceled, error: result.ErrorMessage));

    public void ReportFailTrial(TrialResult result, Exception? exception = null) =>
        Show(board.Update(result.TrialSettings, TrialState.Failed, error: TrialLines.Failure(result, exception)));

    private void Show(string line)
    {
        writeLine?.Invoke(line);
        refresh?.Invoke();
    }
}
