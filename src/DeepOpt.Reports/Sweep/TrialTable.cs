// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using DeepOpt.AutoML.Experiment;

namespace DeepOpt.Reports.Sweep;

/// <summary>The sortable HTML table of a sweep's trials: one row a trial, one column a flattened parameter.</summary>
internal static class TrialTable
{
    /// <summary>The completed trial with the lowest loss, or null.</summary>
    /// <param name="trials">The trials.</param>
    /// <returns>The best trial.</returns>
    public static TrialResult? Best(IReadOnlyList<TrialResult> trials) =>
        trials.Where(t => t.State == TrialState.Completed && double.IsFinite(t.Loss))
            .OrderBy(t => t.Loss).ThenBy(t => t.TrialSettings.TrialId).FirstOrDefault();

    /// <summary>Builds the table.</summary>
    /// <param name="trials">The trials.</param>
    /// <param name="metricName">The metric's header.</param>
    /// <returns>The heading and the table.</returns>
    public static string Html(IReadOnlyList<TrialResult> trials, string metricName)
    {
        var flat = TrialFlattener.Flatten(trials);
        var keys = flat.SelectMany(t => t.Text.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var best = Best(trials);
        var html = new StringBuilder("<h2>Trials</h2>\n<table id=\"trials\" class=\"sortable\"><thead><tr>");
        html.Append("<th data-type=\"number\">Trial</th><th>State</th><th data-type=\"number\">Loss</th>");
        html.Append(CultureInfo.InvariantCulture, $"<th data-type=\"number\">{SweepReport.Encode(metricName)}</th><th data-type=\"number\">Duration (s)</th>");
        foreach (var key in keys)
        {
            bool numeric = flat.All(t => !t.Text.ContainsKey(key) || t.Numbers.ContainsKey(key));
            html.Append(numeric ? "<th data-type=\"number\">" : "<th>").Append(SweepReport.Encode(key)).Append("</th>");
        }

        html.Append("<th>Error</th></tr></thead>\n<tbody>\n");
        foreach (var trial in flat)
        {
            var result = trial.Result;
            var rowClass = result.State.ToString() + (result == best ? " best" : "");
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{rowClass}\">");
            Number(html, trial.TrialId, trial.TrialId.ToString(CultureInfo.InvariantCulture));
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{result.State}</td>");
            Number(html, result.Loss, result.Loss.ToString("G6", CultureInfo.InvariantCulture));
            Number(html, result.Metric, result.Metric.ToString("G6", CultureInfo.InvariantCulture));
            Number(html, result.DurationInMilliseconds / 1000, (result.DurationInMilliseconds / 1000).ToString("F2", CultureInfo.InvariantCulture));
            foreach (var key in keys)
            {
                var text = trial.Text.GetValueOrDefault(key, "");
                if (trial.Numbers.TryGetValue(key, out var value))
                {
                    Number(html, value, text);
                }
                else
                {
                    html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{SweepReport.Encode(text)}</td>");
                }
            }

            html.Append(CultureInfo.InvariantCulture, $"<td class=\"text\">{SweepReport.Encode(result.ErrorMessage ?? "")}</td></tr>\n");
        }

        return html.Append("</tbody></table>\n").ToString();
    }

    private static void Number(StringBuilder html, double value, string text) =>
        html.Append(CultureInfo.InvariantCulture, $"<td data-value=\"{(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "")}\">{SweepReport.Encode(text)}</td>");
}
