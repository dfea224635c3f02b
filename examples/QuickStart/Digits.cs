// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Data;

namespace DeepOpt.Examples;

/// <summary>One 8×8 image of the UCI handwritten digits: 64 pixel values from 0 to 16, and the digit.</summary>
public sealed class DigitImage
{
    /// <summary>The pixels, row by row.</summary>
    [VectorType(64)]
    public float[] Pixels { get; set; } = new float[64];

    /// <summary>The digit, 0 to 9.</summary>
    public float Label { get; set; }
}

/// <summary>Reads the digits embedded in the calling assembly as the resource "digits.csv.gz" (see data/README.md).</summary>
public static class Digits
{
    /// <summary>All 1,797 images, in file order.</summary>
    public static List<DigitImage> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("digits.csv.gz", StringComparison.Ordinal));
        using var stream = new GZipStream(assembly.GetManifestResourceStream(name)!, CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var images = new List<DigitImage>();
        while (reader.ReadLine() is { } line)
        {
            var values = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            images.Add(new DigitImage { Pixels = values[..64], Label = values[64] });
        }

        return images;
    }
}
