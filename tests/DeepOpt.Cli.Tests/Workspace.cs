// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using Microsoft.ML.Data;

namespace DeepOpt.Cli.Tests;

/// <summary>A temporary folder with generated data and configs.</summary>
internal sealed class Workspace : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("deepopt-cli-").FullName;

    public string File(string name, string text)
    {
        string path = Path.Combine(Folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Four classes from two inputs (quadrant parity and a ring), with a header row.</summary>
    public string Csv(string name, int rows, int seed)
    {
        var random = new Random(seed);
        var lines = new List<string> { "x,y,Label" };
        for (int i = 0; i < rows; i++)
        {
            double x = (random.NextDouble() * 2) - 1, y = (random.NextDouble() * 2) - 1;
            int label = ((x > 0) ^ (y > 0) ? 1 : 0) + (Math.Sqrt((x * x) + (y * y)) > 0.7 ? 2 : 0);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x:F4},{y:F4},c{label}"));
        }

        System.IO.File.WriteAllLines(Path.Combine(Folder, name), lines);
        return name;
    }

    /// <summary>Image folders "h" and "v": a horizontal or vertical bright bar at a random place on a dark 12×12 image.</summary>
    public string Images(string name, int perClass, int seed)
    {
        var random = new Random(seed);
        foreach (string label in new[] { "h", "v" })
        {
            string folder = Directory.CreateDirectory(Path.Combine(Folder, name, label)).FullName;
            for (int i = 0; i < perClass; i++)
            {
                var bgra = new byte[12 * 12 * 4];
                int at = random.Next(12);
                for (int k = 0; k < 12 * 12; k++)
                {
                    int x = k % 12, y = k / 12;
                    byte value = (label == "h" ? y : x) == at ? (byte)255 : (byte)random.Next(40);
                    (bgra[k * 4], bgra[(k * 4) + 1], bgra[(k * 4) + 2], bgra[(k * 4) + 3]) = (value, value, value, 255);
                }

                using var image = MLImage.CreateFromPixels(12, 12, MLPixelFormat.Bgra32, bgra);
                image.Save(Path.Combine(folder, $"{i}.png"));
            }
        }

        return name;
    }

    /// <summary>MNIST-style IDX files (gzipped) in a folder: 6×6 images, class 0 brighter in the top half, class 1 in the bottom.</summary>
    public string Idx(string name, int trainRows, int testRows, int seed)
    {
        var random = new Random(seed);
        string folder = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;
        foreach (var (split, rows) in new[] { ("train", trainRows), ("t10k", testRows) })
        {
            var labels = Enumerable.Range(0, rows).Select(_ => (byte)random.Next(2)).ToArray();
            var pixels = labels.SelectMany(label => Enumerable.Range(0, 36).Select(p => (byte)(((p < 18) == (label == 0) ? 150 : 0) + random.Next(100)))).ToArray();
            WriteIdx(Path.Combine(folder, $"{split}-images-idx3-ubyte.gz"), 0x0803, [rows, 6, 6], pixels);
            WriteIdx(Path.Combine(folder, $"{split}-labels-idx1-ubyte.gz"), 0x0801, [rows], labels);
        }

        return name;
    }

    private static void WriteIdx(string path, int magic, int[] shape, byte[] data)
    {
        using var file = System.IO.File.Create(path);
        using var zip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
        void BigEndian(int v) => zip.Write([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        BigEndian(magic);
        foreach (int d in shape)
        {
            BigEndian(d);
        }

        zip.Write(data);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
