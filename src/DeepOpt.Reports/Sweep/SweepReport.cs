// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Net;
using System.Text;
using DeepOpt.AutoML.Experiment;

namespace DeepOpt.Reports.Sweep;

/// <summary>
/// One self-contained HTML page about a sweep: a summary, the <see cref="SweepPlots"/> figures embedded as PNG data
/// URIs, the parameter importances and a table of every trial that sorts when a header is clicked. It loads nothing
/// from the network, so it opens offline and can be mailed or archived as one file.
/// </summary>
public static class SweepReport
{
    /// <summary>Builds the report's HTML.</summary>
    /// <param name="trials">The sweep's trials, in any state.</param>
    /// <param name="options">Title and figure settings; null for the defaults.</param>
    /// <returns>The whole HTML document.</returns>
    public static string ToHtml(IReadOnlyList<TrialResult> trials, SweepReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        options ??= new SweepReportOptions();
        var importance = ParameterImportance.Compute(trials, options.Seed);
        var (w, h) = (options.FigureWidth, options.FigureHeight);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="generator" content="DeepOpt.Reports">
            <title>{Encode(options.Title)}</title>
            <style>
            {Resource("report.css")}</style>
            </head>
            <body>
            <h1>{Encode(options.Title)}</h1>

            """);
        html.Append(Summary(trials, options.MetricName));
        html.Append("<section class=\"plots\">\n");
        Figure(html, "plot-history", SweepPlots.OptimizationHistoryPng(trials, w, h),
            "Each trial's loss (the tuner minimises it) and the best loss so far. Pruned trials show their last reported value.");
        Figure(html, "plot-importance", SweepPlots.ParameterImportancePng(importance, w, h),
            "Parameter importance: the share of the loss's variation each parameter explains on its own (first-order functional ANOVA of a random forest fitted on the completed trials).");
        Figure(html, "plot-parallel", SweepPlots.ParallelCoordinatesPng(trials, importance, w, h),
            "Parallel coordinates of the completed trials over the most important parameters; darker lines have a lower loss, the best trial is red.");
        Figure(html, "plot-intermediate", SweepPlots.IntermediateValuesPng(trials, w, h),
            "Intermediate loss per step; pruned trials end where the pruner stopped them.");
        html.Append("</section>\n");
        if (options.Objectives is { } objectives)
        {
            html.Append("<section class=\"plots pareto\">\n");
            int m = objectives.Objectives.Count;
            var pairs = (from i in Enumerable.Range(0, m) from j in Enumerable.Range(0, m) where i < j select (i, j)).ToList();
            foreach (var (i, j) in pairs)
            {
                // Two objectives: one full-size scatter; more: a matrix of every pair at half size.
                var (pw, ph) = pairs.Count == 1 ? (w, h) : (Math.Max(100, w / 2), Math.Max(100, h / 2));
                Figure(html, $"plot-front-{i}-{j}", ParetoPlots.FrontPng(trials, objectives, i, j, pw, ph),
                    $"Completed trials by {objectives.Objectives[j].Name} and {objectives.Objectives[i].Name}; the Pareto front of the feasible trials is red, infeasible trials are grey crosses.");
            }

            Figure(html, "plot-hypervolume", ParetoPlots.HypervolumePng(trials, objectives, w, h),
                "Hypervolume of the feasible Pareto front after each trial (every objective as a loss; the reference point is each objective's worst feasible value plus a tenth of its range).");
            html.Append("</section>\n");
            html.Append(ParetoPlots.TradeOffHtml(trials, objectives));
        }

        html.Append(ImportanceTable(importance));
        html.Append(TrialTable.Html(trials, options.MetricName));
        html.Append(CultureInfo.InvariantCulture, $"<script>\n{Resource("report.js")}</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes the report to a file.</summary>
    /// <param name="trials">The sweep's trials.</param>
    /// <param name="path">The HTML file to write; its folder must exist.</param>
    /// <param name="options">Title and figure settings; null for the defaults.</param>
    public static void Save(IReadOnlyList<TrialResult> trials, string path, SweepReportOptions? options = null) =>
        File.WriteAllText(path, ToHtml(trials, options), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>HTML-encodes text for an element or an attribute.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The encoded text.</returns>
    internal static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Summary(IReadOnlyList<TrialResult> trials, string metricName)
    {
        var counts = string.Join(", ", Enum.GetValues<TrialState>()
            .Select(s => (State: s, Count: trials.Count(t => t.State == s))).Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.State.ToString().ToLowerInvariant()}"));
        var best = TrialTable.Best(trials);
        var bestText = best == null ? "No trial completed."
            : string.Create(CultureInfo.InvariantCulture, $"Best: trial {best.TrialSettings.TrialId} with {Encode(metricName)} {best.Metric:G6} (loss {best.Loss:G6}).");
        return $"<p class=\"summary\">{trials.Count} trials ({counts}). {bestText}</p>\n";
    }

    private static void Figure(StringBuilder html, string id, byte[] png, string caption) =>
        html.Append(CultureInfo.InvariantCulture,
            $"<figure><img id=\"{id}\" alt=\"{Encode(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{Encode(caption)}</figcaption></figure>\n");

    private static string ImportanceTable(IReadOnlyList<ParameterImportanceEntry> importance)
    {
        if (importance.Count == 0)
        {
            return "";
        }

        var rows = string.Concat(importance.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"<tr><td class=\"text\">{Encode(e.Name)}</td><td data-value=\"{e.Importance:R}\">{e.Importance:P1}</td></tr>\n")));
        return $"<h2>Parameter importance</h2>\n<table id=\"importance\" class=\"sortable\"><thead><tr><th>Parameter</th><th data-type=\"number\">Share</th></tr></thead>\n<tbody>\n{rows}</tbody></table>\n";
    }

    private static string Resource(string name)
    {
        using var stream = typeof(SweepReport).Assembly.GetManifestResourceStream($"DeepOpt.Reports.{name}")
            ?? throw new InvalidOperationException($"The DeepOpt.Reports assembly lacks its {name} resource.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
