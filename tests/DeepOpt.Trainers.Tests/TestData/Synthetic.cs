// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers.Tests;

/// <summary>A row with a float label, for multiclass (after MapValueToKey) and regression.</summary>
public sealed class VectorRow
{
    [VectorType(4)]
    public float[] Features { get; set; } = new float[4];

    public float Label { get; set; }
}

/// <summary>A row with a Boolean label, for binary classification.</summary>
public sealed class BinaryRow
{
    [VectorType(4)]
    public float[] Features { get; set; } = new float[4];

    public bool Label { get; set; }
}

/// <summary>Small generated data sets, seeded, so every test makes its own.</summary>
public static class Synthetic
{
    public const int Dimensions = 4;

    /// <summary>Gaussian blobs around well-separated centres; the label is the blob (0..classes-1).</summary>
    public static List<VectorRow> Blobs(int rows, int classes, int seed, double spread = 0.5)
    {
        var random = new Random(seed);
        var list = new List<VectorRow>();
        for (int i = 0; i < rows; i++)
        {
            int label = i % classes;
            var features = new float[Dimensions];
            for (int d = 0; d < Dimensions; d++)
            {
                double centre = ((label >> (d % 3)) & 1) * 3.0 + (d == 3 ? label : 0);
                features[d] = (float)(centre + (spread * Gaussian(random)));
            }

            list.Add(new VectorRow { Features = features, Label = label });
        }

        return list;
    }

    /// <summary>Two blobs with a Boolean label.</summary>
    public static List<BinaryRow> BinaryBlobs(int rows, int seed) =>
        Blobs(rows, 2, seed).Select(r => new BinaryRow { Features = r.Features, Label = r.Label == 1 }).ToList();

    /// <summary>A smooth function of the features plus a little noise.</summary>
    public static List<VectorRow> Regression(int rows, int seed)
    {
        var random = new Random(seed);
        var list = new List<VectorRow>();
        for (int i = 0; i < rows; i++)
        {
            var features = Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            float label = (float)((2 * features[0]) - features[1] + (0.5 * features[2] * features[3]) + (0.05 * Gaussian(random)));
            list.Add(new VectorRow { Features = features, Label = label });
        }

        return list;
    }

    /// <summary>Blobs with the label mapped to a key, ready for a multiclass trainer.</summary>
    public static IDataView KeyedBlobs(MLContext ml, int rows, int classes, int seed, double spread = 0.5) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(Blobs(rows, classes, seed, spread)))
            .Transform(ml.Data.LoadFromEnumerable(Blobs(rows, classes, seed, spread)));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
