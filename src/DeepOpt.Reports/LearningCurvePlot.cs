// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using ScottPlot;

namespace DeepOpt.Reports;

/// <summary>
/// Learning curves of one fit, from its per-epoch history: training and validation loss, the validation metric and the
/// learning rate, stacked in three panels that share the epoch axis.
/// </summary>
/// <example>
/// <code>
/// var model = pipeline.Fit(train);
/// LearningCurvePlot.SavePng(model.LastTransformer.History, "curves.png");
/// </code>
/// </example>
public static class LearningCurvePlot
{
    /// <summary>Renders the learning curves as a PNG image.</summary>
    /// <param name="history">One report per epoch, as kept by <see cref="DeepPredictionTransformer.History"/>.</param>
    /// <param name="width">Width in pixels; at least 100.</param>
    /// <param name="height">Height in pixels of the three panels together; at least 100.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] RenderPng(IReadOnlyList<EpochReport> history, int width = 900, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return PlotImages.Png(PlotImages.Empty("Learning curves", "no epochs in the history"), width, height);
        }

        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        var loss = new Plot();
        Line(loss, epochs, history.Select(r => r.TrainLoss).ToArray(), "training loss", PlotImages.Primary);
        Line(loss, epochs, history.Select(r => r.ValidationLoss ?? double.NaN).ToArray(), "validation loss", PlotImages.Accent);
        loss.Title("Learning curves");
        loss.YLabel("loss");
        loss.ShowLegend(Alignment.UpperRight);

        var metric = new Plot();
        var metrics = history.Select(r => r.ValidationMetric ?? double.NaN).ToArray();
        Line(metric, epochs, metrics, "validation metric", PlotImages.Accent);
        PlotImages.SignificantTicks(metric, metrics);
        metric.YLabel("validation metric");

        var rate = new Plot();
        var rates = history.Select(r => r.LearningRate).ToArray();
        Line(rate, epochs, rates, "learning rate", PlotImages.Primary);
        PlotImages.SignificantTicks(rate, rates);
        rate.YLabel("learning rate");
        rate.XLabel("epoch");
        foreach (var panel in new[] { loss, metric, rate })
        {
            PlotImages.IntegerTicks(panel.Axes.Bottom);
            panel.Axes.SetLimitsX(0.5, epochs.Max() + 0.5);
            // The same margins in every panel keep their epoch axes aligned.
            panel.Layout.Fixed(new PixelPadding(90, 20, 45, 40));
        }

        return PlotImages.StackedPng([loss, metric, rate], width, height);
    }

    /// <summary>Writes the learning curves to a PNG file.</summary>
    /// <param name="history">One report per epoch.</param>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(IReadOnlyList<EpochReport> history, string path, int width = 900, int height = 900) =>
        File.WriteAllBytes(path, RenderPng(history, width, height));

    /// <summary>Writes the learning curves of a fitted model to a PNG file.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="path">The file to write; its folder must exist.</param>
    public static void SavePng(DeepPredictionTransformer model, string path) =>
        SavePng((model ?? throw new ArgumentNullException(nameof(model))).History, path);

    private static void Line(Plot plot, double[] xs, double[] ys, string label, Color color)
    {
        // Epochs without the value (no validation set) are left out rather than drawn as gaps.
        var kept = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(ys[i])).ToArray();
        if (kept.Length == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(kept.Select(i => xs[i]).ToArray(), kept.Select(i => ys[i]).ToArray(), color);
        scatter.LegendText = label;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 5;
    }
}
