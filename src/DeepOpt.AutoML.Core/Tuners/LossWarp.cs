// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// The output warp of the Gaussian-process tuners: log(loss - min + c), standardised, with c the gap between the median
/// and the best loss. The better half of the trials spans a factor of 2, and losses far above the median are compressed
/// logarithmically, so that a few huge losses do not flatten the model where the good ones are.
/// </summary>
internal static class LossWarp
{
    /// <summary>The warped values of <paramref name="rawLosses"/>, in order.</summary>
    public static double[] Apply(IReadOnlyList<double> rawLosses)
    {
        // Finite but astronomic losses would overflow the differences below.
        var losses = rawLosses.Select(v => Math.Clamp(v, -1e150, 1e150)).ToArray();
        double min = losses.Min();
        var sorted = losses.OrderBy(v => v).ToArray();
        double median = sorted[sorted.Length / 2];
        double offset = Math.Max(median - min, 1e-12 * Math.Max(1, Math.Abs(min)));
        var logs = losses.Select(v => Math.Log(v - min + offset)).ToArray();
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Select(v => (v - mean) * (v - mean)).Average());
        sd = sd > 1e-12 ? sd : 1;
        return [.. logs.Select(v => (v - mean) / sd)];
    }
}
