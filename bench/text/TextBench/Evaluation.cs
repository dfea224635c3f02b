// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>Test metrics and single-row latency of a fitted text classifier, printed as one "RESULT {json}" line.</summary>
internal static class Evaluation
{
    /// <summary>Rows scored one at a time before the latency is timed.</summary>
    public const int WarmUpRows = 50;

    /// <summary>Rows whose single-row prediction time gives the median latency.</summary>
    public const int LatencyRows = 500;

    /// <summary>Scores the test set, times single-row prediction and prints the result with <paramref name="extra"/> fields.</summary>
    public static Dictionary<string, object> Report(MLContext ml, string name, ITransformer model, IDataView test, double fitSeconds, Dictionary<string, object>? extra = null)
    {
        var watch = Stopwatch.StartNew();
        var predicted = model.Transform(test).GetColumn<uint>("PredictedLabel").ToArray();
        double inferenceSeconds = watch.Elapsed.TotalSeconds;
        var actual = test.GetColumn<uint>("Label").ToArray();
        var result = new Dictionary<string, object>
        {
            ["name"] = name,
            ["accuracy"] = actual.Zip(predicted).Count(p => p.First == p.Second) / (double)actual.Length,
            ["macro_f1"] = MacroF1(actual, predicted),
            ["fit_seconds"] = fitSeconds,
            ["inference_rows_per_second"] = actual.Length / inferenceSeconds,
            ["single_row_ms_median"] = SingleRowMilliseconds(ml, model, test),
            ["test_rows"] = actual.Length,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
        {
            result[key] = value;
        }

        Console.WriteLine($"RESULT {JsonSerializer.Serialize(result)}");
        return result;
    }

    /// <summary>
    /// The median time of one PredictionEngine.Predict call over <see cref="LatencyRows"/> test rows, after
    /// <see cref="WarmUpRows"/> untimed ones: what a service pays per request on one thread.
    /// </summary>
    public static double SingleRowMilliseconds(MLContext ml, ITransformer model, IDataView test)
    {
        var rows = ml.Data.CreateEnumerable<TextInput>(test, reuseRowObject: false).Take(WarmUpRows + LatencyRows).ToList();
        using var engine = ml.Model.CreatePredictionEngine<TextInput, ScoreOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var times = new List<double>();
        for (int i = 0; i < rows.Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            engine.Predict(rows[i]);
            if (i >= WarmUpRows)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>The mean over classes of each class's F1.</summary>
    public static double MacroF1(uint[] actual, uint[] predicted)
    {
        var classes = actual.Distinct().ToList();
        double sum = 0;
        foreach (var c in classes)
        {
            int truePositive = actual.Zip(predicted).Count(p => p.First == c && p.Second == c);
            int predictedPositive = predicted.Count(p => p == c);
            int actualPositive = actual.Count(a => a == c);
            double precision = predictedPositive == 0 ? 0 : truePositive / (double)predictedPositive;
            double recall = truePositive / (double)actualPositive;
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        return sum / classes.Count;
    }

    /// <summary>One row of the corpus as the pipelines read it (Label already a key, so only the text is needed).</summary>
    internal sealed class TextInput
    {
        public string Text { get; set; } = "";
    }

    internal sealed class ScoreOutput
    {
        public uint PredictedLabel { get; set; }
    }
}
