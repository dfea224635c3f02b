// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Visits the points of a grid over the search space, each once, in an order shuffled by the seed; after the last
/// point it starts over.
/// </summary>
/// <remarks>
/// <para>
/// Per coordinate (<see cref="OptionBase.GridFeatures"/>): a continuous option gets <c>steps</c> evenly spaced
/// features with both bounds included; an integer option gets every value when it has at most <c>steps</c> of them,
/// else <c>steps</c> evenly spaced values with both bounds included; a choice gets every candidate.
/// </para>
/// <para>
/// The order is the affine permutation <c>i -> (a i + b) mod N</c> of the grid's N points with <c>a</c> coprime to N,
/// drawn from the seed: every point comes once per pass, and no list of the N points is ever built.
/// </para>
/// <para>
/// Every trial the tuner did not propose (a replayed result, another worker's running trial) takes the next point of
/// the order, so a resumed sweep or N workers with the same seed visit each point once between them. Warm-start trials
/// (an earlier sweep's) take no point: the grid visits every point whatever an earlier sweep tried.
/// </para>
/// </remarks>
public sealed class GridSearchTuner : ITuner
{
    private readonly SearchSpace.SearchSpace _searchSpace;
    private readonly double[][] _axes;
    private readonly long _count;
    private readonly long _multiplier;
    private readonly long _offset;
    private readonly ForeignTrials _foreign = new();
    private long _next;

    /// <summary>Initializes a grid-search tuner.</summary>
    /// <param name="searchSpace">The space to cover.</param>
    /// <param name="steps">Points per continuous coordinate (and the most per integer coordinate), at least 2.</param>
    /// <param name="seed">The seed of the visiting order.</param>
    public GridSearchTuner(SearchSpace.SearchSpace searchSpace, int steps = 10, int seed = 0)
    {
        _searchSpace = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        if (steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), $"`steps` must be at least 2, but got {steps}.");
        }

        _axes = searchSpace.GridFeatures(steps);
        _count = 1;
        foreach (var axis in _axes)
        {
            if (_count > long.MaxValue / axis.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(steps),
                    $"A grid of {steps} steps over {_axes.Length} coordinates has more than {long.MaxValue} points. "
                    + "Lower `steps`, or use random search for a space this large.");
            }

            _count *= axis.Length;
        }

        var random = new Random(seed);
        _offset = random.NextInt64(_count);
        _multiplier = 1;
        if (_count > 2)
        {
            do
            {
                _multiplier = random.NextInt64(1, _count);
            }
            while (Gcd(_multiplier, _count) != 1);
        }
    }

    /// <summary>Gets the number of points of the grid.</summary>
    public long GridSize => _count;

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _foreign.Proposed(settings);
        long index = (long)(((Int128)_multiplier * (_next % _count) + _offset) % _count);
        _next++;
        var feature = new double[_axes.Length];
        for (int i = _axes.Length - 1; i >= 0; i--)
        {
            int length = _axes[i].Length;
            feature[i] = _axes[i][index % length];
            index /= length;
        }

        return _searchSpace.SampleFromFeatureSpace(feature);
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        // A grid does not learn from results; a result it did not propose took a point of the order (never a warm
        // start's: skipping a point for it would leave that point out of this sweep's pass).
        ArgumentNullException.ThrowIfNull(result);
        SkipIfForeign(result.TrialSettings);
    }

    /// <inheritdoc/>
    public void ReportPending(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        SkipIfForeign(settings);
    }

    private void SkipIfForeign(TrialSettings settings)
    {
        if (_foreign.TakesAPoint(settings))
        {
            _next++;
        }
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
