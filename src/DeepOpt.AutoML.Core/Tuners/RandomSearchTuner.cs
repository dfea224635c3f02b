// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Samples every configuration uniformly from the unit cube [0, 1)^d of the search space.
/// </summary>
/// <remarks>A log-scale option is therefore sampled log-uniformly, and every integer or choice value is equally
/// likely. The sequence depends only on the seed: every trial the tuner did not propose (a replayed result of an
/// earlier run, another worker's running trial) skips one point of it, so a resumed sweep, or N workers with the same
/// seed, go on with the points an uninterrupted single run would have tried next, none of them twice. Warm-start trials
/// (an earlier sweep's) teach it nothing and move nothing: the sequence is the one a cold start draws.</remarks>
public sealed class RandomSearchTuner : ITuner
{
    private readonly SearchSpace.SearchSpace _searchSpace;
    private readonly Random _random;
    private readonly ForeignTrials _foreign = new();

    /// <summary>Initializes a random-search tuner.</summary>
    /// <param name="searchSpace">The space to sample.</param>
    /// <param name="seed">The seed of the random sequence.</param>
    public RandomSearchTuner(SearchSpace.SearchSpace searchSpace, int seed = 0)
    {
        _searchSpace = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        _random = new Random(seed);
    }

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _foreign.Proposed(settings);
        return _searchSpace.SampleFromFeatureSpace(NextPoint());
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        // Random search does not learn from results; a result it did not propose only moves the sequence on.
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
            NextPoint();
        }
    }

    private double[] NextPoint()
    {
        var feature = new double[_searchSpace.FeatureSpaceDim];
        for (int i = 0; i < feature.Length; i++)
        {
            feature[i] = _random.NextDouble();
        }

        return feature;
    }
}
