// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;

namespace DeepOpt.Bench.Hpo;

/// <summary>
/// Median and IQR as OBJECTIVES.md defines them: linear interpolation between order statistics (numpy's default).
/// </summary>
internal static class Quantiles
{
    public static double Quantile(IEnumerable<double> values, double p)
    {
        var v = values.OrderBy(x => x).ToArray();
        double h = (v.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, v.Length - 1);
        return v[lo] + ((h - lo) * (v[hi] - v[lo]));
    }

    public static string MedianIqr(IReadOnlyCollection<double> values) =>
        $"{Fmt(Quantile(values, 0.5))} [{Fmt(Quantile(values, 0.25))}, {Fmt(Quantile(values, 0.75))}]";

    /// <summary>Four significant digits, as ANCHORS.md prints them.</summary>
    public static string Fmt(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
