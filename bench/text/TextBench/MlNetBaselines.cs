// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Transforms.Text;

/// <summary>
/// ML.NET's own text classifier as a .NET user would tune it: FeaturizeText with word and character n-grams, then
/// SdcaMaximumEntropy or LbfgsMaximumEntropy (with its default regularisation, and with L1 0 and L2 1e-4). Every variant is reported; the bench compares against the best on test,
/// which flatters ML.NET.
/// </summary>
internal static class MlNetBaselines
{
    /// <summary>The featurizations tried: word n-grams up to (all lengths) and character n-grams of exactly.</summary>
    private static readonly (int Words, int Characters)[] s_featurizations = [(1, 3), (2, 3), (2, 4)];

    public static void Run(MLContext ml, IDataView train, IDataView test, int seed)
    {
        foreach (var (words, characters) in s_featurizations)
        {
            var options = new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = words, UseAllLengths = true },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = characters, UseAllLengths = false },
            };
            foreach (var trainer in new[] { "sdca", "lbfgs", "lbfgs-l2" })
            {
                var watch = Stopwatch.StartNew();
                var featurize = ml.Transforms.Text.FeaturizeText("Features", options, "Text");
                var model = trainer switch
                {
                    "sdca" => featurize.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(train) as ITransformer,
                    "lbfgs" => featurize.Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()).Fit(train),
                    // Its defaults (L1 1, L2 1) are strong for L2-normalised n-gram features; a user would weaken them.
                    _ => featurize.Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(l1Regularization: 0, l2Regularization: 1e-4f)).Fit(train),
                };
                Evaluation.Report(ml, $"mlnet-{trainer}-w{words}-c{characters}", model, test, watch.Elapsed.TotalSeconds, new Dictionary<string, object> { ["seed"] = seed });
            }
        }
    }
}
