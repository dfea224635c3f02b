// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.AutoML.Tests.Trainers;

/// <summary>Small generated tasks that a linear model cannot solve and a tuned MLP can.</summary>
internal static class SweepData
{
    /// <summary>Four classes: the quadrant's parity, and inside or outside a ring.</summary>
    public static IDataView Classes(MLContext ml, int rows, int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, rows).Select(_ =>
        {
            float x = (float)((random.NextDouble() * 2) - 1);
            float y = (float)((random.NextDouble() * 2) - 1);
            int parity = (x > 0) ^ (y > 0) ? 1 : 0;
            int ring = Math.Sqrt((x * x) + (y * y)) > 0.7 ? 2 : 0;
            return new Row { Features = [x, y], Label = $"c{parity + ring}" };
        }).ToList();
        return ml.Data.LoadFromEnumerable(data);
    }

    /// <summary>A smooth regression target of two inputs.</summary>
    public static IDataView Regression(MLContext ml, int rows, int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, rows).Select(_ =>
        {
            float x = (float)((random.NextDouble() * 2) - 1);
            float y = (float)((random.NextDouble() * 2) - 1);
            return new RegressionRow { Features = [x, y], Label = (float)(Math.Sin(3 * x) + (y * y)) };
        }).ToList();
        return ml.Data.LoadFromEnumerable(data);
    }

    public sealed class Row
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    public sealed class RegressionRow
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
