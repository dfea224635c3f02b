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

/// <summary>A flat grey image with a float label.</summary>
public sealed class ImageRow
{
    [VectorType(Bars.Size * Bars.Size)]
    public float[] Pixels { get; set; } = new float[Bars.Size * Bars.Size];

    public float Label { get; set; }
}

/// <summary>
/// Images of one bar, horizontal (label 0) or vertical (label 1), at a random place, on noise. Both classes have the same
/// mean image, so no linear model separates them; a CNN does.
/// </summary>
public static class Bars
{
    public const int Size = 12;

    public static List<ImageRow> Make(int rows, int seed)
    {
        var random = new Random(seed);
        var list = new List<ImageRow>();
        for (int i = 0; i < rows; i++)
        {
            var pixels = new float[Size * Size];
            for (int p = 0; p < pixels.Length; p++)
            {
                pixels[p] = (float)(random.NextDouble() * 60);
            }

            int label = i % 2;
            int line = random.Next(Size);
            int start = random.Next(Size - 6 + 1);
            for (int k = start; k < start + 6; k++)
            {
                int index = label == 0 ? (line * Size) + k : (k * Size) + line;
                pixels[index] = 255;
            }

            list.Add(new ImageRow { Pixels = pixels, Label = label });
        }

        return list;
    }

    public static IDataView Keyed(MLContext ml, int rows, int seed) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(Make(10, 0))).Transform(ml.Data.LoadFromEnumerable(Make(rows, seed)));
}
