// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The deployment route without TorchSharp: the trained CNN exported with ml.Model.ConvertToOnnx and run by ONNX
/// Runtime on the same threads, timed like the DeepOpt side (batch throughput over the test set, median of three
/// passes in batches of 1,000 rows; single-image latency, median of the calls after 50 warm-up calls), and checked
/// against DeepOpt's scores.
/// </summary>
internal static class OnnxRoute
{
    public static (double ImagesPerSecond, double LatencyMedianMs, double MaxScoreDifference) Measure(
        MLContext ml, DeepPredictionTransformer cnn, IReadOnlyList<FashionImage> rows, float[][] deepOptScores, int threads, int latencyCount)
    {
        using var file = new MemoryStream();
        ml.Model.ConvertToOnnx(cnn, file);
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        using var session = new InferenceSession(file.ToArray(), options);
        const int Batch = 1000;
        int size = rows[0].Pixels.Length;
        double maxDifference = 0;
        var passes = new List<double>();
        for (int pass = 0; pass < 3; pass++)
        {
            var watch = Stopwatch.StartNew();
            for (int start = 0; start < rows.Count; start += Batch)
            {
                int count = Math.Min(Batch, rows.Count - start);
                var scores = Run(session, rows.Skip(start).Take(count).SelectMany(r => r.Pixels).ToArray(), count, size);
                if (pass == 0)
                {
                    for (int i = 0; i < scores.Length; i++)
                    {
                        maxDifference = Math.Max(maxDifference, Math.Abs(scores[i] - deepOptScores[start + (i / 10)][i % 10]));
                    }
                }
            }

            passes.Add(watch.Elapsed.TotalSeconds);
        }

        var latencies = new List<double>();
        for (int i = 0; i < latencyCount + 50; i++)
        {
            long begin = Stopwatch.GetTimestamp();
            Run(session, rows[i % rows.Count].Pixels, 1, size);
            if (i >= 50)
            {
                latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            }
        }

        passes.Sort();
        latencies.Sort();
        return (rows.Count / passes[1], latencies[latencies.Count / 2], maxDifference);
    }

    private static float[] Run(InferenceSession session, float[] pixels, int rows, int size)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [rows, size]);
        using var outputs = session.Run(new RunOptions(), ["Pixels"], [input], ["Score"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
