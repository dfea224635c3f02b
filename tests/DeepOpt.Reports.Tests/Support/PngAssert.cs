// Licensed under the MIT license. See LICENSE in the repository root.

using System.Buffers.Binary;
using SkiaSharp;

namespace DeepOpt.Reports.Tests.Support;

/// <summary>Checks that bytes are a real PNG with something drawn on it.</summary>
internal static class PngAssert
{
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts a valid PNG of the given size that decodes and has many colours (text, lines, markers).</summary>
    /// <param name="png">The bytes.</param>
    /// <param name="width">Expected width in pixels.</param>
    /// <param name="height">Expected height in pixels, or null for any.</param>
    public static void IsNonTrivial(byte[] png, int width, int? height)
    {
        Assert.IsTrue(png.Length > 8 && png.AsSpan(0, 8).SequenceEqual(s_signature), "PNG signature");
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4), "the first chunk is IHDR");
        Assert.AreEqual(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), "width");
        if (height != null)
        {
            Assert.AreEqual(height.Value, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), "height");
        }

        Assert.IsTrue(png.Length > 5_000, $"{png.Length} bytes is too small for a plot");

        using var bitmap = SKBitmap.Decode(png) ?? throw new AssertFailedException("the PNG does not decode");
        var colours = new HashSet<uint>();
        int notBackground = 0;
        var background = bitmap.GetPixel(0, 0);
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var pixel = bitmap.GetPixel(x, y);
                colours.Add((uint)pixel);
                notBackground += pixel == background ? 0 : 1;
            }
        }

        Assert.IsTrue(colours.Count >= 16, $"only {colours.Count} colours: nothing drawn");
        Assert.IsTrue(notBackground > bitmap.Width * bitmap.Height / 4 / 100, $"only {notBackground} sampled pixels differ from the background");
    }
}
