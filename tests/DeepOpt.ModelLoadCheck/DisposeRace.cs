// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>
/// Disposes a loaded model while other threads predict with it, round after round: two threads call
/// PredictionEngine.Predict in a loop (one engine each) and one scores a Transform cursor in a loop. Every thread must
/// end with an ObjectDisposedException that names the model; anything else, or a native crash, fails the run.
/// Prints "rounds R threads T disposed D other O" and returns 0 only when D = R × T and O = 0.
/// </summary>
public static class DisposeRace
{
    private const int Threads = 3;

    public static int Run(string modelPath, int rounds)
    {
        var ml = new MLContext(seed: 7);
        var rows = Digits.Load().Take(64).ToList();
        var data = ml.Data.LoadFromEnumerable(rows, SchemaDefinition.Create(typeof(DigitImage)));
        int disposed = 0;
        var others = new List<string>();
        for (int round = 0; round < rounds; round++)
        {
            var model = ml.Model.LoadDeepOpt(modelPath, out _);
            var deep = ((IEnumerable<ITransformer>)model).OfType<DeepPredictionTransformer>().Single();
            var engines = Enumerable.Range(0, 2)
                .Select(_ => ml.Model.CreatePredictionEngine<DigitImage, ScoreRow>(model, new PredictionEngineOptions { OwnsTransformer = false }))
                .ToList();
            int predictions = 0;
            var failures = new Exception?[Threads];
            var threads = new Thread[Threads];
            for (int t = 0; t < Threads; t++)
            {
                int index = t;
                threads[t] = new Thread(() =>
                {
                    try
                    {
                        while (true)
                        {
                            if (index < engines.Count)
                            {
                                engines[index].Predict(rows[predictions % rows.Count]);
                                Interlocked.Increment(ref predictions);
                            }
                            else
                            {
                                foreach (var _ in model.Transform(data).GetColumn<float[]>("Score"))
                                {
                                    Interlocked.Increment(ref predictions);
                                }
                            }
                        }
                    }
                    catch (Exception e)
                    {
                        failures[index] = e;
                    }
                });
                threads[t].Start();
            }

            // Dispose while predictions run: after a count of them that varies by round, never after a time.
            int start = 10 + (round * 7 % 50);
            while (Volatile.Read(ref predictions) < start && threads.Any(t => t.IsAlive))
            {
                Thread.Yield();
            }

            deep.Dispose();
            foreach (var thread in threads)
            {
                thread.Join();
            }

            foreach (var failure in failures)
            {
                if (failure is ObjectDisposedException named && named.ObjectName.StartsWith("DeepOpt ", StringComparison.Ordinal))
                {
                    disposed++;
                }
                else
                {
                    others.Add($"round {round}: {failure?.GetType().Name}: {failure?.Message}");
                }
            }

            foreach (var engine in engines)
            {
                engine.Dispose();
            }
        }

        Console.WriteLine($"rounds {rounds} threads {Threads} disposed {disposed} other {others.Count}");
        foreach (var other in others.Take(10))
        {
            Console.WriteLine(other);
        }

        return disposed == rounds * Threads && others.Count == 0 ? 0 : 1;
    }

    /// <summary>The scores of one digit.</summary>
    public sealed class ScoreRow
    {
        /// <summary>One probability per class.</summary>
        public float[] Score { get; set; } = Array.Empty<float>();
    }
}
