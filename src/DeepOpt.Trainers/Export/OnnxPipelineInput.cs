// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using Onnx;

namespace DeepOpt.Trainers;

/// <summary>
/// The start of the graph inside an ML.NET pipeline: from the column ML.NET's own transforms give (see
/// <see cref="OnnxPipeline"/>) to the floats DeepOpt's network reads, as DeepOpt's <see cref="FeatureSpec"/> reader
/// computes them.
/// <list type="bullet">
/// <item>A feature vector: read as it is.</item>
/// <item>Images: ExtractPixels' red, green and blue planes (0–255); a grey network takes 0.299 R + 0.587 G + 0.114 B.</item>
/// <item>Tokens: a variable-length vector of keys as UInt32. For text, MapValueToKey's keys of the vocabulary's words,
/// key k being token id k + 1 (so a missing key, 0, is the out-of-vocabulary id); for a key column, its keys, looked up
/// in a table of the vocabulary's ids (a key training never saw, or a missing one, is the out-of-vocabulary id). Then
/// truncated on the model's side and padded to its sequence length.</item>
/// </list>
/// </summary>
internal static class OnnxPipelineInput
{
    private const TensorProto.Types.DataType Float = TensorProto.Types.DataType.Float;

    /// <summary>Declares the input <paramref name="name"/> and returns the row of floats the network reads.</summary>
    public static string Floats(OnnxGraph g, FeatureSpec features, string name)
    {
        if (features.Tokens is { } tokens)
        {
            return TokenIds(g, tokens, features.Size, g.Input(name, TensorProto.Types.DataType.Uint32, null, null));
        }

        if (features.Image is { } image)
        {
            return Pixels(g, image, g.Input(name, Float, null, 3L * image.Height * image.Width));
        }

        return g.Input(name, Float, null, features.Size);
    }

    private static string Pixels(OnnxGraph g, ImageShape image, string rgb)
    {
        if (image.Channels == 3)
        {
            return rgb;
        }

        long plane = (long)image.Height * image.Width;
        string Weighted(int channel, float weight) => g.Node("Mul", [
            g.Node("Slice", [rgb, g.Longs(channel * plane), g.Longs((channel + 1) * plane), g.Longs(1)]),
            g.Floats([weight], 1)]);
        return g.Node("Add", [g.Node("Add", [Weighted(0, 0.299f), Weighted(1, 0.587f)]), Weighted(2, 0.114f)]);
    }

    private static string TokenIds(OnnxGraph g, TokenSpec tokens, long length, string keys)
    {
        string ids = tokens is { Source: TokenSource.Keys, Vocabulary: { } vocabulary }
            ? KeyIds(g, vocabulary, keys)
            : g.Node("Add", [g.Node("Cast", [keys], ("to", (long)Float)), g.Floats([1f], 1)]);
        string kept = tokens.Truncation == SequenceSide.Start
            ? g.Node("Slice", [ids, g.Longs(-length), g.Longs(long.MaxValue), g.Longs(1)])
            : g.Node("Slice", [ids, g.Longs(0), g.Longs(length), g.Longs(1)]);

        // Padding goes after the tokens: the recurrent graph moves every row's tokens to its front anyway.
        string count = g.Node("Slice", [g.Node("Shape", [kept]), g.Longs(1), g.Longs(2)]);
        string pads = g.Node("Concat", [g.Longs(0, 0, 0), g.Node("Sub", [g.Longs(length), count])], ("axis", 0L));
        return g.Node("Pad", [kept, pads]);
    }

    /// <summary>Each key's id through a table indexed by key; keys above the largest one training saw read its last, out-of-vocabulary entry.</summary>
    private static string KeyIds(OnnxGraph g, Vocabulary vocabulary, string keys)
    {
        var known = vocabulary.Words.Select((word, i) => (Key: long.Parse(word, CultureInfo.InvariantCulture), Id: Vocabulary.FirstWordId + i)).ToList();
        long last = known.Max(k => k.Key) + 1;
        if (last > TokenSpec.MaxIds)
        {
            throw new NotSupportedException($"The key column's vocabulary holds key {last - 1}; an ONNX lookup table that large is not written. Number the keys densely (MapValueToKey) before training, or export with ml.Model.ConvertToOnnx and give token ids.");
        }

        var table = new float[last + 1];
        Array.Fill(table, Vocabulary.UnknownId);
        known.ForEach(k => table[k.Key] = k.Id);
        string index = g.Node("Min", [g.Node("Cast", [keys], ("to", (long)TensorProto.Types.DataType.Int64)), g.Longs(last)]);
        return g.Node("Gather", [g.Floats(table, table.Length), index]);
    }
}
