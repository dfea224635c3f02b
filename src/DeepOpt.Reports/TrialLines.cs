// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Reports;

/// <summary>Prints one line per trial as a sweep runs: its state, parameters, metric, duration and the best so far
/// (for a maximised metric such as accuracy); with several objectives, each objective's value instead of the metric.</summary>
/// <param name="writer">Where the lines go.</param>
/// <param name="objectives">A multi-objective sweep's objectives, or null.</param>
public sealed class TrialLines(TextWriter writer, AutoML.MultiObjective.ObjectiveSet? objectives = null) : IMonitor
{
    private readonly DateTime _start = DateTime.UtcNow;
    private double _best = double.NaN;

    /// <inheritdoc/>
    public void ReportRunningTrial(TrialSettings settings) =>
        Write(settings.TrialId, "running", $"{Describe(settings.Parameter)}");

    /// <inheritdoc/>
    public void ReportCompletedTrial(TrialResult result)
    {
        if (double.IsNaN(_best) || result.Metric > _best)
        {
            _best = result.Metric;
        }

        string values = objectives == null ? $"metric {result.Metric:F4}"
            : string.Join(", ", objectives.Objectives.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {o.ValueOf(result):G5}")));
        Write(result.TrialSettings.TrialId, "completed", $"{values} in {result.DurationInMilliseconds / 1000:F1} s, "
            + $"peak {result.PeakMemoryInMegaByte:F0} MB, best {_best:F4}");
    }

    /// <inheritdoc/>
    public void ReportBestTrial(TrialResult result) =>
        Write(result.TrialSettings.TrialId, "best", $"new best {result.Metric:F4}");

    /// <inheritdoc/>
    public void ReportPrunedTrial(TrialResult result) =>
        Write(result.TrialSettings.TrialId, "pruned", $"after epoch {result.IntermediateValues.LastOrDefault()?.Step} at {result.Metric:F4}");

    /// <inheritdoc/>
    public void ReportCanceledTrial(TrialResult result) =>
        Write(result.TrialSettings.TrialId, "canceled", result.ErrorMessage ?? string.Empty);

    /// <inheritdoc/>
    public void ReportFailTrial(TrialResult result, Exception? exception = null) =>
        Write(result.TrialSettings.TrialId, "failed", Failure(result, exception));

    /// <summary>Why a trial failed, as every DeepOpt monitor words it: the exception's message, else the result's
    /// (for a loss that was not finite, the loss), else that its loss was not finite.</summary>
    /// <param name="result">The failed trial.</param>
    /// <param name="exception">The exception it threw, if any.</param>
    /// <returns>One line.</returns>
    public static string Failure(TrialResult result, Exception? exception = null) =>
        exception?.Message ?? result.ErrorMessage ?? "the loss was NaN or infinite";

    /// <summary>A parameter as short key=value pairs.</summary>
    public static string Describe(Parameter parameter)
    {
        var json = parameter.ToJson();
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var parts = new List<string>();
        Flatten(document.RootElement, string.Empty, parts);
        return string.Join(' ', parts);
    }

    private static void Flatten(System.Text.Json.JsonElement element, string name, List<string> parts)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Flatten(property.Value, property.Name, parts);
            }

            return;
        }

        string value = element.ValueKind == System.Text.Json.JsonValueKind.Number
            ? element.GetDouble().ToString("G3", CultureInfo.InvariantCulture)
            : element.ToString();
        parts.Add($"{name}={value}");
    }

    private void Write(int trialId, string state, string text)
    {
        lock (writer)
        {
            writer.WriteLine($"[{(DateTime.UtcNow - _start).TotalSeconds,6:F0} s] trial {trialId,3} {state,-9} {text}");
        }
    }
}
