// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.MultiObjective;

/// <summary>
/// Pareto dominance, non-dominated ranks and the hypervolume of points in objective space, every objective minimized.
/// </summary>
public static class Pareto
{
    /// <summary>Whether <paramref name="a"/> dominates <paramref name="b"/>: no worse in every objective, better in one.</summary>
    /// <param name="a">A point (minimized objectives).</param>
    /// <param name="b">Another point of the same length.</param>
    /// <returns>True when <paramref name="a"/> dominates <paramref name="b"/>.</returns>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        bool better = false;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] > b[i])
            {
                return false;
            }

            better |= a[i] < b[i];
        }

        return better;
    }

    /// <summary>The non-dominated rank of each point: 0 for the Pareto front, 1 for the front of the rest, and so on.</summary>
    /// <param name="points">The points (minimized objectives).</param>
    /// <returns>The rank of each point, in order.</returns>
    public static int[] Ranks(IReadOnlyList<IReadOnlyList<double>> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.Count;
        var ranks = new int[n];
        var dominatedBy = new int[n];
        var dominates = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            dominates[i] = [];
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (Dominates(points[i], points[j]))
                {
                    dominates[i].Add(j);
                    dominatedBy[j]++;
                }
                else if (Dominates(points[j], points[i]))
                {
                    dominates[j].Add(i);
                    dominatedBy[i]++;
                }
            }
        }

        var current = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        for (int rank = 0; current.Count > 0; rank++)
        {
            var next = new List<int>();
            foreach (int i in current)
            {
                ranks[i] = rank;
                foreach (int j in dominates[i])
                {
                    if (--dominatedBy[j] == 0)
                    {
                        next.Add(j);
                    }
                }
            }

            current = next;
        }

        return ranks;
    }

    /// <summary>The hypervolume dominated by <paramref name="points"/> and bounded by <paramref name="reference"/>: the
    /// measure of the region of objective space that some point is no worse than, below the reference point in every
    /// objective. Points not strictly below the reference in every objective add nothing.</summary>
    /// <param name="points">The points (minimized objectives).</param>
    /// <param name="reference">The reference point, worse than every point of interest.</param>
    /// <returns>The hypervolume (0 for no point).</returns>
    public static double Hypervolume(IEnumerable<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        var inside = points.Where(p => p.Count != reference.Count
                ? throw new ArgumentException($"A point has {p.Count} objectives and the reference point {reference.Count}.", nameof(points))
                : Enumerable.Range(0, p.Count).All(i => p[i] < reference[i]))
            .Select(p => p.ToArray())
            .ToList();
        return Slice(inside, [.. reference], reference.Count);
    }

    /// <summary>Hypervolume by slicing along the last of <paramref name="m"/> objectives (HSO); exact, and fast enough for
    /// the few hundred points and 2 to 4 objectives of a sweep.</summary>
    private static double Slice(List<double[]> points, double[] reference, int m)
    {
        if (points.Count == 0)
        {
            return 0;
        }

        if (m == 1)
        {
            return reference[0] - points.Min(p => p[0]);
        }

        var sorted = points.OrderBy(p => p[m - 1]).ToList();
        if (m == 2)
        {
            // Sweep by the first objective: each point adds the strip between its second value and the best before it.
            double volume = 0;
            double bestY = reference[1];
            foreach (var p in sorted.OrderBy(p => p[0]).ThenBy(p => p[1]))
            {
                if (p[1] < bestY)
                {
                    volume += (reference[0] - p[0]) * (bestY - p[1]);
                    bestY = p[1];
                }
            }

            return volume;
        }

        double total = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            double top = i + 1 < sorted.Count ? sorted[i + 1][m - 1] : reference[m - 1];
            double depth = top - sorted[i][m - 1];
            if (depth > 0)
            {
                total += depth * Slice(sorted.GetRange(0, i + 1), reference, m - 1);
            }
        }

        return total;
    }
}
