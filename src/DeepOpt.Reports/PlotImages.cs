// Licensed under the MIT license. See LICENSE in the repository root.

using ScottPlot;

namespace DeepOpt.Reports;

/// <summary>Renders ScottPlot figures to PNG bytes, the one format every plot here produces.</summary>
internal static class PlotImages
{
    /// <summary>The colour of the second series in every figure (validation, pruned trials, best so far).</summary>
    public static readonly Color Accent = Color.FromHex("#d62728");

    /// <summary>The colour of the first series in every figure (training, completed trials).</summary>
    public static readonly Color Primary = Color.FromHex("#1f77b4");

    /// <summary>Renders a plot to PNG bytes.</summary>
    /// <param name="plot">The plot.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] Png(Plot plot, int width, int height)
    {
        CheckSize(width, height);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Renders plots stacked in rows to PNG bytes.</summary>
    /// <param name="plots">The plots, top to bottom.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels of the whole figure.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] StackedPng(IReadOnlyList<Plot> plots, int width, int height)
    {
        CheckSize(width, height);
        // A new Multiplot holds one empty plot; Reset replaces it with the first of ours.
        var multiplot = new Multiplot();
        multiplot.Reset(plots[0]);
        foreach (var plot in plots.Skip(1))
        {
            multiplot.AddPlot(plot);
        }

        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        return multiplot.Render(width, height).GetImageBytes(ImageFormat.Png, 100);
    }

    /// <summary>Labels an axis with integers only, for epochs, steps and trial ids.</summary>
    /// <param name="axis">The axis.</param>
    public static void IntegerTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>Labels an axis with three significant digits (learning rates such as 0.000316), and keeps a constant
    /// series readable by spanning half to one and a half times its value rather than ScottPlot's ±1.</summary>
    /// <param name="plot">The plot.</param>
    /// <param name="values">The series on its left axis.</param>
    public static void SignificantTicks(Plot plot, IReadOnlyList<double> values)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count > 0 && finite.Min() == finite.Max() && finite[0] != 0)
        {
            var v = Math.Abs(finite[0]);
            plot.Axes.SetLimitsY(finite[0] - (v / 2), finite[0] + (v / 2));
        }
    }

    /// <summary>A plot that says there is nothing to show, so a report keeps its layout when a sweep lacks data.</summary>
    /// <param name="title">The figure's title.</param>
    /// <param name="reason">Why it is empty.</param>
    /// <returns>The plot.</returns>
    public static Plot Empty(string title, string reason)
    {
        var plot = new Plot();
        plot.Title(title);
        var text = plot.Add.Text(reason, 0, 0);
        text.LabelFontSize = 16;
        text.LabelAlignment = Alignment.MiddleCenter;
        plot.HideGrid();
        plot.Axes.SetLimits(-1, 1, -1, 1);
        return plot;
    }

    private static void CheckSize(int width, int height)
    {
        if (width < 100 || height < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A figure must be at least 100 x 100 pixels, but got {width} x {height}.");
        }
    }
}
