// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// The radius of the local (exploiting) proposals of <see cref="BayesianTuner"/>: it doubles after two local
/// successes in a row and halves after as many failures as there are coordinates (at least two), like the
/// trust regions of TuRBO (Eriksson et al., NeurIPS 2019); when it collapses it starts over.
/// </summary>
internal sealed class TrustRegion
{
    private const double InitialRadius = 0.1;
    private const double MaxRadius = 0.4;
    private const double MinRadius = 1e-6;
    private readonly int _allowedFailures;
    private int _successes;
    private int _failures;

    public TrustRegion(int dimension)
    {
        _allowedFailures = Math.Max(2, dimension);
    }

    /// <summary>Gets the standard deviation of local moves, in unit-cube coordinates.</summary>
    public double Radius { get; private set; } = InitialRadius;

    public void Report(bool improved)
    {
        if (improved)
        {
            _failures = 0;
            if (++_successes >= 2)
            {
                Radius = Math.Min(MaxRadius, Radius * 2);
                _successes = 0;
            }

            return;
        }

        _successes = 0;
        if (++_failures >= _allowedFailures)
        {
            Radius /= 2;
            _failures = 0;
            if (Radius < MinRadius)
            {
                Radius = InitialRadius;
            }
        }
    }
}
