// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Compression;
using Microsoft.ML.Data;

namespace DeepOpt.Examples;

/// <summary>One 28×28 Fashion-MNIST image: 784 grey pixels 0–255 row by row, and its class 0–9.</summary>
public sealed class FashionImage
{
    /// <summary>The class names, by label.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The pixels, row by row, 0–255.</summary>
    [VectorType(28 * 28)]
    public float[] Pixels { get; set; } = new float[28 * 28];

    /// <summary>The class, 0 to 9.</summary>
    public float Label { get; set; }

    /// <summary>Makes pixels (28×28 grey, 0–255, row by row) an ML.NET image, as ml.Transforms.LoadImages would give it.</summary>
    public static MLImage ToImage(float[] pixels)
    {
        var rgba = new byte[pixels.Length * 4];
        for (int i = 0; i < pixels.Length; i++)
        {
            byte value = (byte)Math.Clamp(pixels[i], 0, 255);
            (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2], rgba[(4 * i) + 3]) = (value, value, value, 255);
        }

        return MLImage.CreateFromPixels(28, 28, MLPixelFormat.Rgba32, rgba);
    }
}

/// <summary>
/// Reads Fashion-MNIST from its IDX files (gzipped or not), as Debian's dataset-fashion-mnist package installs them in
/// /usr/share/datasets/fashion-mnist. Nothing is downloaded.
/// </summary>
public static class FashionMnistData
{
    /// <summary>Where Debian's package puts the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The 60,000 training images.</summary>
    public static List<FashionImage> Train(string folder) => Load(folder, "train");

    /// <summary>The 10,000 test images.</summary>
    public static List<FashionImage> Test(string folder) => Load(folder, "t10k");

    /// <summary>The folder holding the four IDX files, or an exception that says how to get them.</summary>
    public static string Locate(string? folder)
    {
        folder ??= Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? DefaultFolder;
        if (Find(folder, "train-images-idx3-ubyte") == null || Find(folder, "t10k-labels-idx1-ubyte") == null)
        {
            throw new FileNotFoundException(
                $"Fashion-MNIST was not found in '{folder}'. Install it with `sudo apt-get install dataset-fashion-mnist` (Debian, Ubuntu), " +
                "or pass the folder that holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] " +
                "(or set FASHION_MNIST_DIR).");
        }

        return folder;
    }

    private static List<FashionImage> Load(string folder, string split)
    {
        var images = ReadIdx(Find(folder, $"{split}-images-idx3-ubyte")!, 0x00000803, out var imageShape);
        var labels = ReadIdx(Find(folder, $"{split}-labels-idx1-ubyte")!, 0x00000801, out var labelShape);
        int count = imageShape[0];
        int size = imageShape[1] * imageShape[2];
        if (labelShape[0] != count || size != 28 * 28)
        {
            throw new InvalidDataException($"The {split} IDX files of '{folder}' do not match: {count} images of {imageShape[1]}×{imageShape[2]} and {labelShape[0]} labels.");
        }

        var list = new List<FashionImage>(count);
        for (int i = 0; i < count; i++)
        {
            var pixels = new float[size];
            for (int p = 0; p < size; p++)
            {
                pixels[p] = images[(i * size) + p];
            }

            list.Add(new FashionImage { Pixels = pixels, Label = labels[i] });
        }

        return list;
    }

    private static string? Find(string folder, string name) =>
        new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") }.FirstOrDefault(File.Exists);

    /// <summary>Reads an IDX file of unsigned bytes: a big-endian magic number, the dimensions, then the data.</summary>
    private static byte[] ReadIdx(string path, int magic, out int[] shape)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new BinaryReader(stream);
        int found = ReadBigEndian(reader);
        if (found != magic)
        {
            throw new InvalidDataException($"'{path}' is not an IDX file of bytes with {magic & 0xff} dimensions (magic 0x{found:x8}).");
        }

        shape = new int[magic & 0xff];
        for (int d = 0; d < shape.Length; d++)
        {
            shape[d] = ReadBigEndian(reader);
        }

        int length = shape.Aggregate(1, (a, b) => a * b);
        var data = reader.ReadBytes(length);
        if (data.Length != length)
        {
            throw new InvalidDataException($"'{path}' ends after {data.Length} of {length} bytes.");
        }

        return data;
    }

    private static int ReadBigEndian(BinaryReader reader)
    {
        var bytes = reader.ReadBytes(4);
        return (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    }
}
