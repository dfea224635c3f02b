// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace DeepOpt.Trainers.Tests;

/// <summary>A row of text with a float label, for multiclass (after MapValueToKey).</summary>
public sealed class TextRow
{
    public string Text { get; set; } = "";

    public float Label { get; set; }
}

/// <summary>A row of text with a Boolean label.</summary>
public sealed class BinaryTextRow
{
    public string Text { get; set; } = "";

    public bool Label { get; set; }
}

/// <summary>
/// Sentences where word order alone decides the class: each holds every marker word exactly once among random filler
/// words, and the class is the marker that comes first. Every class has the same bag of words, so a bag-of-words model
/// cannot beat chance.
/// </summary>
public static class WordOrder
{
    public const int MaxWords = 12;

    private static readonly string[] s_fillers =
        ["the", "a", "red", "green", "blue", "cat", "dog", "runs", "sits", "big", "small", "on", "under", "tree", "house", "quickly"];

    private static readonly string[] s_markers = ["alpha", "beta", "gamma"];

    /// <summary>Rows with <paramref name="classes"/> markers (2 or 3); the label is the index of the first marker.</summary>
    public static List<TextRow> Make(int rows, int seed, int classes = 3)
    {
        var random = new Random(seed);
        var list = new List<TextRow>();
        for (int i = 0; i < rows; i++)
        {
            var words = Enumerable.Range(0, random.Next(2, MaxWords - classes + 1)).Select(_ => s_fillers[random.Next(s_fillers.Length)]).ToList();
            var markers = s_markers.Take(classes).OrderBy(_ => random.Next()).ToList();
            foreach (var marker in markers)
            {
                words.Insert(random.Next(words.Count + 1), marker);
            }

            int first = words.Select(w => Array.IndexOf(s_markers, w)).First(m => m >= 0);
            list.Add(new TextRow { Text = string.Join(' ', words), Label = first });
        }

        return list;
    }

    /// <summary>Two markers; true when "alpha" comes before "beta".</summary>
    public static List<BinaryTextRow> MakeBinary(int rows, int seed) =>
        Make(rows, seed, classes: 2).Select(r => new BinaryTextRow { Text = r.Text, Label = r.Label == 0 }).ToList();

    /// <summary>The rows with the label mapped to a key by value (class c is key c + 1), ready for a multiclass trainer.</summary>
    public static IDataView Keyed(MLContext ml, int rows, int seed)
    {
        var data = ml.Data.LoadFromEnumerable(Make(rows, seed));
        return ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data).Transform(data);
    }
}
