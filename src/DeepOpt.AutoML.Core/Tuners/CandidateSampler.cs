// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Draws candidate points of the unit cube for <see cref="BayesianTuner"/>: a Latin-hypercube design, uniform points,
/// and Gaussian moves around a centre that resample a choice now and then. Integer and choice coordinates are always
/// put at the centre of their bins, where the model sees them.
/// </summary>
internal sealed class CandidateSampler
{
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly Random _random;
    private readonly double _choiceResampleProbability;
    private readonly bool _reflect;

    /// <param name="features">The coordinates.</param>
    /// <param name="random">The random source.</param>
    /// <param name="choiceResampleProbability">How often a move resamples a choice.</param>
    /// <param name="reflect">Whether a move past a bound reflects off it (else it stops at the bound, which makes the
    /// bounds likely: right where an optimum sits at a bound, wrong where a bound gives a degenerate objective value,
    /// as the edges of a multi-objective problem's front do).</param>
    public CandidateSampler(IReadOnlyList<FeatureInfo> features, Random random, double choiceResampleProbability, bool reflect = false)
    {
        _features = features;
        _random = random;
        _choiceResampleProbability = choiceResampleProbability;
        _reflect = reflect;
    }

    public double[] Perturb(double[] centre, double scale)
    {
        var point = (double[])centre.Clone();
        bool changed = false;
        for (int i = 0; i < point.Length; i++)
        {
            var info = _features[i];
            if (info.Kind == FeatureKind.Categorical)
            {
                if (_random.NextDouble() < _choiceResampleProbability)
                {
                    point[i] = info.BinCentre(_random.Next(info.Cardinality));
                    changed = true;
                }
            }
            else
            {
                double moved = point[i] + (scale * Gaussian());
                point[i] = _reflect ? Math.Clamp(moved < 0 ? -moved : moved > 1 ? 2 - moved : moved, 0, 1) : Math.Clamp(moved, 0, 1);
                changed = true;
            }
        }

        if (!changed)
        {
            int i = _random.Next(point.Length);
            point[i] = _features[i].BinCentre(_random.Next(_features[i].Cardinality));
        }

        return Snap(point);
    }

    public double[] RandomPoint()
    {
        var point = new double[_features.Count];
        for (int i = 0; i < point.Length; i++)
        {
            point[i] = _random.NextDouble();
        }

        return Snap(point);
    }

    public double[][] LatinHypercube(int count)
    {
        var design = new double[count][];
        for (int t = 0; t < count; t++)
        {
            design[t] = new double[_features.Count];
        }

        for (int i = 0; i < _features.Count; i++)
        {
            var strata = Enumerable.Range(0, count).OrderBy(_ => _random.Next()).ToArray();
            for (int t = 0; t < count; t++)
            {
                design[t][i] = (strata[t] + _random.NextDouble()) / count;
            }
        }

        return design.Select(Snap).ToArray();
    }

    /// <summary>Puts integer and choice coordinates at the centre of their bins, where the model sees them.</summary>
    public double[] Snap(double[] point)
    {
        for (int i = 0; i < point.Length; i++)
        {
            var info = _features[i];
            if (info.Kind != FeatureKind.Continuous)
            {
                point[i] = info.BinCentre(info.BinOf(point[i]));
            }
        }

        return point;
    }

    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
