// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using ScottPlot;

namespace DeepOpt.Reports.Sweep;

/// <summary>
/// PNG figures of a sweep, from its trials: optimisation history, parameter importance, parallel coordinates and the
/// intermediate curves of pruned trials. Each figure still renders, with a note, when the sweep lacks what it shows.
/// </summary>
public static class SweepPlots
{
    /// <summary>The most parameters the parallel-coordinates view shows (the most important ones).</summary>
    public const int MaxParallelAxes = 8;

    /// <summary>Each completed or pruned trial's loss by trial id, with the best loss so far as a step line.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] OptimizationHistoryPng(IReadOnlyList<TrialResult> trials, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        const string title = "Optimisation history";
        var finished = trials.Where(t => !t.IsFailed && t.State is TrialState.Completed or TrialState.Pruned)
            .OrderBy(t => t.TrialSettings.TrialId).ToList();
        if (finished.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty(title, "no finished trials"), width, height);
        }

        var plot = new Plot();
        Points(plot, finished.Where(t => t.State == TrialState.Completed).ToList(), "completed", PlotImages.Primary, MarkerShape.FilledCircle);
        Points(plot, finished.Where(t => t.State == TrialState.Pruned).ToList(), "pruned (last value)", Colors.Gray, MarkerShape.OpenCircle);

        var completed = finished.Where(t => t.State == TrialState.Completed).ToList();
        if (completed.Count > 0)
        {
            var best = new List<double>();
            foreach (var trial in completed)
            {
                best.Add(best.Count == 0 ? trial.Loss : Math.Min(best[^1], trial.Loss));
            }

            var line = plot.Add.Scatter(completed.Select(t => (double)t.TrialSettings.TrialId).ToArray(), best.ToArray(), PlotImages.Accent);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = "best so far";
        }

        PlotImages.IntegerTicks(plot.Axes.Bottom);
        plot.Title(title);
        plot.XLabel("trial");
        plot.YLabel("loss (minimised)");
        plot.ShowLegend(Alignment.UpperRight);
        return PlotImages.Png(plot, width, height);
    }

    /// <summary>A horizontal bar per parameter: its share of the loss's variation (see <see cref="ParameterImportance"/>).</summary>
    /// <param name="importance">The importances, most important first.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] ParameterImportancePng(IReadOnlyList<ParameterImportanceEntry> importance, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(importance);
        const string title = "Parameter importance";
        if (importance.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty(title, "fewer than 3 completed trials, or nothing varied"), width, height);
        }

        var plot = new Plot();
        // The most important parameter on top.
        var bars = importance.Select((e, i) => new Bar
        {
            Position = importance.Count - 1 - i,
            Value = e.Importance,
            FillColor = PlotImages.Primary,
            Orientation = Orientation.Horizontal,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            importance.Select((_, i) => (double)(importance.Count - 1 - i)).ToArray(), importance.Select(e => e.Name).ToArray());
        plot.Axes.Margins(left: 0, right: 0.1, bottom: 0.05, top: 0.05);
        plot.Title(title);
        plot.XLabel("share of the loss's variation explained (first-order)");
        return PlotImages.Png(plot, width, height);
    }

    /// <summary>One polyline per completed trial across the most important parameters and the loss, each axis scaled
    /// to [0, 1] between its smallest and largest value (on a log scale for positive values spanning two or more orders of
    /// magnitude); the best trial is drawn on top in the accent colour.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="importance">The importances, to pick and order the axes; null to compute them.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] ParallelCoordinatesPng(IReadOnlyList<TrialResult> trials, IReadOnlyList<ParameterImportanceEntry>? importance = null, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        const string title = "Parallel coordinates";
        var flat = TrialFlattener.Flatten(trials.Where(t => t.State == TrialState.Completed && double.IsFinite(t.Loss)));
        var varied = TrialFlattener.VariedNumericKeys(flat).ToHashSet();
        var axes = (importance ?? ParameterImportance.Compute(trials)).Select(e => e.Name).Where(varied.Contains)
            .Concat(varied.Order(StringComparer.Ordinal)).Distinct().Take(MaxParallelAxes).ToList();
        if (flat.Count < 2 || axes.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty(title, "fewer than 2 completed trials, or no numeric parameter varied"), width, height);
        }

        var raw = axes.Select(key => flat.Select(t => t.Numbers.GetValueOrDefault(key, double.NaN)).ToArray())
            .Append(flat.Select(t => t.Result.Loss).ToArray()).ToList();
        var logarithmic = raw.Select(SpansDecades).ToList();
        var columns = raw.Select((c, i) => Scale(logarithmic[i] ? c.Select(Math.Log10).ToArray() : c)).ToList();
        var labels = axes.Append("loss").Select((name, i) => logarithmic[i] ? $"{name} (log)" : name).ToArray();
        var plot = new Plot();
        var bestLoss = flat.Min(t => t.Result.Loss);
        var order = Enumerable.Range(0, flat.Count).OrderByDescending(i => flat[i].Result.Loss).ToList();
        var colormap = new ScottPlot.Colormaps.Viridis();
        foreach (int i in order)
        {
            var xs = Enumerable.Range(0, columns.Count).Where(c => double.IsFinite(columns[c][i])).ToArray();
            var line = plot.Add.Scatter(xs.Select(c => (double)c).ToArray(), xs.Select(c => columns[c][i]).ToArray());
            bool best = flat[i].Result.Loss == bestLoss;
            // Viridis runs from dark (0, the lowest loss) to yellow (1, the highest); the best trial is in the accent colour.
            line.Color = best ? PlotImages.Accent : colormap.GetColor(columns[^1][i]).WithAlpha(0.6);
            line.LineWidth = best ? 3 : 1.5f;
            line.MarkerSize = best ? 6 : 3;
        }

        for (int c = 0; c < labels.Length; c++)
        {
            plot.Add.VerticalLine(c, 1, Colors.Black);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Length).Select(c => (double)c).ToArray(), labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -20;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.SetLimits(-0.3, labels.Length - 0.7, -0.05, 1.05);
        plot.Title(title);
        plot.YLabel("scaled value (0 = smallest, 1 = largest)");
        return PlotImages.Png(plot, width, height);
    }

    /// <summary>Each trial's intermediate loss by step: completed trials in the primary colour, pruned ones in the accent
    /// colour ending where the pruner stopped them.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] IntermediateValuesPng(IReadOnlyList<TrialResult> trials, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(trials);
        const string title = "Intermediate values (pruned trials in red)";
        var curves = trials.Where(t => t.IntermediateValues.Count > 0 && t.State is TrialState.Completed or TrialState.Pruned)
            .OrderBy(t => t.State == TrialState.Pruned).ToList();
        if (curves.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty(title, "no trial reported intermediate values"), width, height);
        }

        var plot = new Plot();
        bool labelledCompleted = false, labelledPruned = false;
        foreach (var trial in curves)
        {
            var values = trial.IntermediateValues.Where(v => double.IsFinite(v.Loss)).ToList();
            if (values.Count == 0)
            {
                continue;
            }

            bool pruned = trial.State == TrialState.Pruned;
            var line = plot.Add.Scatter(values.Select(v => (double)v.Step).ToArray(), values.Select(v => v.Loss).ToArray(),
                pruned ? PlotImages.Accent : PlotImages.Primary.WithAlpha(0.5));
            line.MarkerSize = pruned ? 4 : 2;
            line.LineWidth = pruned ? 1.5f : 1;
            if (pruned && !labelledPruned)
            {
                line.LegendText = "pruned";
                labelledPruned = true;
            }
            else if (!pruned && !labelledCompleted)
            {
                line.LegendText = "completed";
                labelledCompleted = true;
            }
        }

        PlotImages.IntegerTicks(plot.Axes.Bottom);
        plot.Title(title);
        plot.XLabel("step (epoch)");
        plot.YLabel("intermediate loss");
        plot.ShowLegend(Alignment.UpperRight);
        return PlotImages.Png(plot, width, height);
    }

    private static void Points(Plot plot, IReadOnlyList<TrialResult> trials, string label, Color color, MarkerShape shape)
    {
        if (trials.Count == 0)
        {
            return;
        }

        var markers = plot.Add.ScatterPoints(trials.Select(t => (double)t.TrialSettings.TrialId).ToArray(), trials.Select(t => t.Loss).ToArray(), color);
        markers.MarkerShape = shape;
        markers.MarkerSize = 7;
        markers.LegendText = label;
    }

    /// <summary>Positive values over two or more orders of magnitude (learning rates, weight decays) read better on a
    /// log scale.</summary>
    private static bool SpansDecades(double[] column)
    {
        var finite = column.Where(double.IsFinite).ToList();
        return finite.Count > 1 && finite.Min() > 0 && finite.Max() / finite.Min() >= 100;
    }

    private static double[] Scale(double[] column)
    {
        var finite = column.Where(double.IsFinite).ToList();
        double min = finite.DefaultIfEmpty(0).Min(), max = finite.DefaultIfEmpty(0).Max();
        return column.Select(v => !double.IsFinite(v) ? double.NaN : max > min ? (v - min) / (max - min) : 0.5).ToArray();
    }
}
