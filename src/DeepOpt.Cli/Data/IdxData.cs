// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Cli.Data;

/// <summary>
/// Reads MNIST-style IDX files (gzipped or not) from a folder: <c>{split}-images-idx3-ubyte</c> and
/// <c>{split}-labels-idx1-ubyte</c>, where split is "train" or "t10k".
/// </summary>
internal static class IdxData
{
    /// <summary>Loads a split as rows of Pixels (a vector of height × width bytes as floats) and a Single Label.</summary>
    public static IDataView Load(MLContext ml, string folder, string split, out int height, out int width)
    {
        string images = Find(folder, $"{split}-images-idx3-ubyte");
        string labels = Find(folder, $"{split}-labels-idx1-ubyte");
        var pixels = Read(images, 3, out var shape);
        var classes = Read(labels, 1, out var labelShape);
        if (labelShape[0] != shape[0])
        {
            throw new InvalidDataException($"'{images}' holds {shape[0]} images but '{labels}' holds {labelShape[0]} labels.");
        }

        (height, width) = (shape[1], shape[2]);
        int size = height * width;
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        var rows = Enumerable.Range(0, shape[0]).Select(i => new Row
        {
            Pixels = Array.ConvertAll(pixels[(i * size)..((i + 1) * size)], b => (float)b),
            Label = classes[i],
        }).ToList();
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private static string Find(string folder, string name) =>
        new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") }.FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"'{folder}' has no {name} or {name}.gz. For Fashion-MNIST on Debian or Ubuntu: "
            + "`sudo apt-get install dataset-fashion-mnist`, then use /usr/share/datasets/fashion-mnist.");

    private static byte[] Read(string path, int dimensions, out int[] shape)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new BinaryReader(stream);
        int magic = BigEndian(reader);
        if (magic != (0x0800 | dimensions))
        {
            throw new InvalidDataException($"'{path}' is not an IDX file of bytes with {dimensions} dimensions (magic 0x{magic:x8}).");
        }

        shape = Enumerable.Range(0, dimensions).Select(_ => BigEndian(reader)).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        var data = reader.ReadBytes(count);
        return data.Length == count ? data : throw new InvalidDataException($"'{path}' ends early: {data.Length} of {count} bytes.");
    }

    private static int BigEndian(BinaryReader reader)
    {
        var bytes = reader.ReadBytes(4);
        return (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    }

    private sealed class Row
    {
        public float[] Pixels { get; set; } = [];

        public float Label { get; set; }
    }
}
