// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Samples every configuration uniformly from the unit cube [0, 1)^d of the search space.
/// </summary>
/// <remarks>A log-scale option is therefore sampled log-uniformly, and every integer or choice value is equally
/// likely. The sequence depends only on the seed.</remarks>
public sealed class RandomSearchTuner : ITuner
{
    private readonly SearchSpace.SearchSpace _searchSpace;
    private readonly Random _random;

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
        var feature = new double[_searchSpace.FeatureSpaceDim];
        for (int i = 0; i < feature.Length; i++)
        {
            feature[i] = _random.NextDouble();
        }

        return _searchSpace.SampleFromFeatureSpace(feature);
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        // Random search does not learn from results.
    }
}
