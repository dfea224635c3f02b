// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// How the Gaussian-process tuners see a point of the unit cube: a numeric coordinate is one input with its own length
/// scale; a choice is one-hot encoded with one length scale for all its columns, so the order of candidates means nothing.
/// </summary>
internal sealed class GaussianInputs
{
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly int[] _columnGroup;
    private readonly double[] _lengthscales;
    private readonly double[] _minimum;

    public GaussianInputs(IReadOnlyList<FeatureInfo> features)
    {
        _features = features;
        var columnGroup = new List<int>();
        var lengthscales = new List<double>();
        var minimum = new List<double>();
        for (int i = 0; i < features.Count; i++)
        {
            var info = features[i];
            bool categorical = info.Kind == FeatureKind.Categorical;
            for (int c = 0; c < (categorical ? info.Cardinality : 1); c++)
            {
                columnGroup.Add(i);
            }

            lengthscales.Add(categorical ? 1.0 : 0.3);
            minimum.Add(info.Kind == FeatureKind.Continuous ? 0.01 : Math.Max(0.01, 0.5 / info.Cardinality));
        }

        (_columnGroup, _lengthscales, _minimum) = ([.. columnGroup], [.. lengthscales], [.. minimum]);
    }

    /// <summary>A new model over these inputs, at the initial length scales.</summary>
    public GaussianProcess NewModel() => new(_columnGroup, _lengthscales, _minimum);

    public double[] Encode(double[] point)
    {
        var encoded = new double[_columnGroup.Length];
        int column = 0;
        for (int i = 0; i < point.Length; i++)
        {
            var info = _features[i];
            if (info.Kind == FeatureKind.Categorical)
            {
                encoded[column + info.BinOf(point[i])] = 1;
                column += info.Cardinality;
            }
            else
            {
                encoded[column++] = point[i];
            }
        }

        return encoded;
    }
}
