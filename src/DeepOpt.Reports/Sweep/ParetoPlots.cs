// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using ScottPlot;

namespace DeepOpt.Reports.Sweep;

/// <summary>
/// What a multi-objective sweep's report adds: the Pareto front in objective space, the hypervolume over trials and the
/// trade-off table of the front's trials.
/// </summary>
public static class ParetoPlots
{
    /// <summary>The completed trials in the plane of two objectives: feasible ones, infeasible ones, and the Pareto
    /// front (of all the objectives) highlighted; with exactly two objectives the front is joined by a step line.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="objectives">The sweep's objectives and constraints.</param>
    /// <param name="x">The objective on the horizontal axis (its index).</param>
    /// <param name="y">The objective on the vertical axis (its index).</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] FrontPng(IReadOnlyList<TrialResult> trials, ObjectiveSet objectives, int x = 0, int y = 1, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objectives);
        var (ox, oy) = (objectives.Objectives[x], objectives.Objectives[y]);
        string title = $"Pareto front: {oy.Name} against {ox.Name}";
        var completed = Completed(trials, objectives);
        if (completed.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty(title, "no completed trial with every objective"), width, height);
        }

        var front = objectives.ParetoFront(completed).ToHashSet();
        var plot = new Plot();
        Points(plot, completed.Where(t => !objectives.IsFeasible(t)), ox, oy, "infeasible", Colors.Gray, MarkerShape.Eks);
        Points(plot, completed.Where(t => objectives.IsFeasible(t) && !front.Contains(t)), ox, oy, "feasible", PlotImages.Primary, MarkerShape.OpenCircle);
        Points(plot, front, ox, oy, "Pareto front", PlotImages.Accent, MarkerShape.FilledCircle);
        if (objectives.Objectives.Count == 2 && front.Count > 1)
        {
            var ordered = front.OrderBy(ox.ValueOf).ToList();
            var line = plot.Add.Scatter(ordered.Select(ox.ValueOf).ToArray(), ordered.Select(oy.ValueOf).ToArray(), PlotImages.Accent);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
        }

        plot.Title(title);
        plot.XLabel(Label(ox));
        plot.YLabel(Label(oy));
        plot.ShowLegend(Alignment.UpperRight);
        return PlotImages.Png(plot, width, height);
    }

    /// <summary>The hypervolume of the feasible front after each trial, in objective space with every objective a loss,
    /// against a reference point that is the worst value of each objective over the completed feasible trials plus a
    /// tenth of its range (so every front trial adds to it).</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="objectives">The sweep's objectives and constraints.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] HypervolumePng(IReadOnlyList<TrialResult> trials, ObjectiveSet objectives, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objectives);
        const string title = "Hypervolume over trials";
        var (ids, volumes) = HypervolumeHistory(trials, objectives);
        if (ids.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty(title, "no completed feasible trial"), width, height);
        }

        var plot = new Plot();
        var line = plot.Add.Scatter(ids.Select(i => (double)i).ToArray(), volumes.ToArray(), PlotImages.Primary);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        PlotImages.IntegerTicks(plot.Axes.Bottom);
        plot.Title(title);
        plot.XLabel("trial");
        plot.YLabel("hypervolume of the feasible front");
        return PlotImages.Png(plot, width, height);
    }

    /// <summary>The hypervolume after each completed feasible trial (by trial id), as <see cref="HypervolumePng"/> draws it.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="objectives">The sweep's objectives and constraints.</param>
    /// <returns>The trial ids and the hypervolume after each.</returns>
    public static (IReadOnlyList<int> TrialIds, IReadOnlyList<double> Volumes) HypervolumeHistory(IReadOnlyList<TrialResult> trials, ObjectiveSet objectives)
    {
        var feasible = Completed(trials, objectives).Where(objectives.IsFeasible).OrderBy(t => t.TrialSettings.TrialId).ToList();
        if (feasible.Count == 0)
        {
            return ([], []);
        }

        var points = feasible.Select(objectives.LossesOf).ToList();
        var reference = Enumerable.Range(0, objectives.Objectives.Count).Select(k =>
        {
            double worst = points.Max(p => p[k]), best = points.Min(p => p[k]);
            return worst + Math.Max(0.1 * (worst - best), 1e-12 * Math.Max(1, Math.Abs(worst)));
        }).ToArray();
        var volumes = Enumerable.Range(1, points.Count).Select(n => Pareto.Hypervolume(points.Take(n).Select(p => (IReadOnlyList<double>)p), reference)).ToList();
        return (feasible.Select(t => t.TrialSettings.TrialId).ToList(), volumes);
    }

    /// <summary>The trade-off table: the front's trials, ordered by the first objective, with every objective's value
    /// and the trial's parameters.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="objectives">The sweep's objectives and constraints.</param>
    /// <returns>The heading and the table.</returns>
    public static string TradeOffHtml(IReadOnlyList<TrialResult> trials, ObjectiveSet objectives)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objectives);
        var front = objectives.ParetoFront(Completed(trials, objectives)).OrderBy(t => objectives.LossesOf(t)[0]).ToList();
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2>Trade-offs</h2>\n<p>{front.Count} trials on the Pareto front of {SweepReport.Encode(objectives.ToString())}.</p>\n");
        html.Append("<table id=\"tradeoffs\" class=\"sortable\"><thead><tr><th data-type=\"number\">Trial</th>");
        foreach (var objective in objectives.Objectives)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th data-type=\"number\">{SweepReport.Encode(Label(objective))}</th>");
        }

        html.Append("<th>Parameters</th></tr></thead>\n<tbody>\n");
        foreach (var trial in front)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td data-value=\"{trial.TrialSettings.TrialId}\">{trial.TrialSettings.TrialId}</td>");
            foreach (var objective in objectives.Objectives)
            {
                double value = objective.ValueOf(trial);
                html.Append(CultureInfo.InvariantCulture, $"<td data-value=\"{value:R}\">{value:G6}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{SweepReport.Encode(TrialLines.Describe(trial.TrialSettings.Parameter))}</td></tr>\n");
        }

        return html.Append("</tbody></table>\n").ToString();
    }

    private static List<TrialResult> Completed(IReadOnlyList<TrialResult> trials, ObjectiveSet objectives) =>
        [.. trials.Where(t => t.State == TrialState.Completed && !t.IsFailed && objectives.LossesOf(t).All(double.IsFinite))];

    private static string Label(Objective objective) =>
        $"{objective.Name} ({(objective.Direction == ObjectiveDirection.Maximize ? "higher" : "lower")} is better)";

    private static void Points(Plot plot, IEnumerable<TrialResult> trials, Objective x, Objective y, string label, Color color, MarkerShape shape)
    {
        var list = trials.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var markers = plot.Add.ScatterPoints(list.Select(x.ValueOf).ToArray(), list.Select(y.ValueOf).ToArray(), color);
        markers.MarkerShape = shape;
        markers.MarkerSize = 8;
        markers.LegendText = label;
    }
}
