// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>A seeded hold-out split, stratified by class for classification so every class keeps its share.</summary>
internal static class ValidationSplit
{
    /// <summary>Splits the rows into training and validation positions.</summary>
    public static (int[] Train, int[] Validation) Split(float[] targets, double fraction, bool stratify, int seed)
    {
        var random = new Random(seed);
        var groups = stratify
            ? targets.Select((target, row) => (target, row)).GroupBy(p => p.target).OrderBy(g => g.Key).Select(g => g.Select(p => p.row).ToArray())
            : new[] { Enumerable.Range(0, targets.Length).ToArray() };
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var rows in groups)
        {
            random.Shuffle(rows);
            int held = (int)Math.Round(rows.Length * fraction);
            validation.AddRange(rows.Take(held));
            train.AddRange(rows.Skip(held));
        }

        train.Sort();
        validation.Sort();
        return (train.ToArray(), validation.ToArray());
    }
}
