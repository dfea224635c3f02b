// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// The standard normal density and distribution, and the logarithm of expected improvement computed without underflow.
/// </summary>
internal static class NormalDistribution
{
    private const double LogSqrtTwoPi = 0.91893853320467274;

    private static readonly double[] s_erfcCoefficients =
    [
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
        0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
    ];

    public static double Pdf(double z) => Math.Exp((-0.5 * z * z) - LogSqrtTwoPi);

    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>
    /// Gets log(z Cdf(z) + Pdf(z)), the log of the expected improvement of a unit-variance Gaussian whose mean lies
    /// z standard deviations above the incumbent (in the direction of improvement).
    /// </summary>
    /// <remarks>Far in the tail (z &lt; -6) the two terms cancel, so the asymptotic series of Mills' ratio is used:
    /// z Cdf(z) + Pdf(z) = Pdf(z) (1/z^2 - 3/z^4 + 15/z^6 - ...). Ranking candidates by log EI keeps them apart when
    /// every EI underflows to 0, which happens late in a run.</remarks>
    public static double LogExpectedImprovement(double z)
    {
        if (z > -6)
        {
            return Math.Log(Math.Max((z * Cdf(z)) + Pdf(z), 1e-300));
        }

        double inv2 = 1 / (z * z);
        double series = inv2 * (1 - (3 * inv2) + (15 * inv2 * inv2));
        return (-0.5 * z * z) - LogSqrtTwoPi + Math.Log(series);
    }

    /// <summary>Complementary error function; fractional error below 1.2e-7 everywhere (Chebyshev fit).</summary>
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double poly = 0;
        for (int k = s_erfcCoefficients.Length - 1; k >= 0; k--)
        {
            poly = (poly * t) + s_erfcCoefficients[k];
        }

        double r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }
}
