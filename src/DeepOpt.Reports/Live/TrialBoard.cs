// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.Reports.Sweep;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DeepOpt.Reports.Live;

/// <summary>The trials a sweep display knows, by id, and how they render as a table: with several objectives, a column
/// for each and the trials of the Pareto front marked. Thread-safe.</summary>
internal sealed class TrialBoard(int maxRows, ObjectiveSet? objectives = null)
{
    private readonly SortedDictionary<int, (TrialState State, TrialSettings Settings, TrialResult? Result, string? Error)> _trials = [];
    private readonly object _gate = new();
    private TrialResult? _best;

    /// <summary>Records a trial's latest state.</summary>
    /// <param name="settings">The trial.</param>
    /// <param name="state">Its state.</param>
    /// <param name="result">Its result, once finished.</param>
    /// <param name="error">Its failure's message.</param>
    /// <returns>The line that describes the change, for plain output.</returns>
    public string Update(TrialSettings settings, TrialState state, TrialResult? result = null, string? error = null)
    {
        lock (_gate)
        {
            _trials[settings.TrialId] = (state, settings, result, error);
            return Line(settings, state, result, error);
        }
    }

    /// <summary>Records a new best trial.</summary>
    /// <param name="result">The best trial.</param>
    /// <returns>The line that announces it.</returns>
    public string SetBest(TrialResult result)
    {
        lock (_gate)
        {
            _best = result;
            return string.Create(CultureInfo.InvariantCulture, $"trial {result.TrialSettings.TrialId}: new best, metric {result.Metric:G5}, loss {result.Loss:G5}");
        }
    }

    /// <summary>Renders the table: the most recent trials and the best one.</summary>
    /// <returns>The renderable.</returns>
    public IRenderable Render()
    {
        lock (_gate)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("Trials");
            string[] values = objectives == null ? ["Metric", "Loss"]
                : [.. objectives.Objectives.Select(o => $"{o.Name} {(o.Direction == ObjectiveDirection.Maximize ? "(max)" : "(min)")}")];
            foreach (var header in new[] { "Trial", "State", "Parameters" }.Concat(values).Concat(["Seconds", ""]))
            {
                table.AddColumn(Markup.Escape(header));
            }

            var front = objectives?.ParetoFront(_trials.Values.Where(t => t.Result != null).Select(t => t.Result!))
                .Select(t => t.TrialSettings.TrialId).ToHashSet() ?? [];

            var shown = _trials.Keys.TakeLast(maxRows).ToHashSet();
            if (_best != null)
            {
                shown.Add(_best.TrialSettings.TrialId);
            }

            foreach (var (id, trial) in _trials.Where(t => shown.Contains(t.Key)))
            {
                // With several objectives the front is marked, not one best trial.
                bool best = objectives == null && _best?.TrialSettings.TrialId == id;
                var result = trial.Result;
                var cells = new List<string> { id.ToString(CultureInfo.InvariantCulture), StateMarkup(trial.State), Markup.Escape(Parameters(trial.Settings)) };
                cells.AddRange(Values(result).Select(v => result == null ? "" : v.ToString("G5", CultureInfo.InvariantCulture)));
                cells.Add(result == null ? "" : (result.DurationInMilliseconds / 1000).ToString("F1", CultureInfo.InvariantCulture));
                cells.Add(best ? "[bold yellow]best[/]" : front.Contains(id) ? "[bold yellow]front[/]" : Markup.Escape(trial.Error ?? ""));
                table.AddRow([.. cells]);
            }

            return table;
        }
    }

    /// <summary>The values a row shows: each objective's, or the metric and the loss.</summary>
    private IEnumerable<double> Values(TrialResult? result) => result == null
        ? Enumerable.Repeat(0.0, objectives?.Objectives.Count ?? 2)
        : objectives?.Objectives.Select(o => o.ValueOf(result)) ?? [result.Metric, result.Loss];

    private static string StateMarkup(TrialState state) => state switch
    {
        TrialState.Running => "[blue]Running[/]",
        TrialState.Completed => "[green]Completed[/]",
        TrialState.Pruned => "[grey]Pruned[/]",
        TrialState.Failed => "[red]Failed[/]",
        TrialState.Canceled => "[yellow]Canceled[/]",
        _ => state.ToString(),
    };

    private static string Parameters(TrialSettings settings) =>
        string.Join(" ", TrialFlattener.Flatten(new TrialResult { TrialSettings = settings }).Text.Select(p => $"{p.Key}={p.Value}"));

    private string Line(TrialSettings settings, TrialState state, TrialResult? result, string? error)
    {
        var line = $"trial {settings.TrialId}: {state}";
        if (state == TrialState.Running)
        {
            return $"{line}  {Parameters(settings)}";
        }

        if (result != null)
        {
            line += objectives == null
                ? string.Create(CultureInfo.InvariantCulture, $"  metric {result.Metric:G5}  loss {result.Loss:G5}  {result.DurationInMilliseconds / 1000:F1} s")
                : "  " + string.Join("  ", objectives.Objectives.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {o.ValueOf(result):G5}")))
                    + string.Create(CultureInfo.InvariantCulture, $"  {result.DurationInMilliseconds / 1000:F1} s");
        }

        return error == null ? line : $"{line}  {error}";
    }
}
