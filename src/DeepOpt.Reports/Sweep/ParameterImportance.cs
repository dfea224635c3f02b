// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;

namespace DeepOpt.Reports.Sweep;

/// <summary>How much of the variation in a sweep's loss one parameter explains, as a share of all parameters' shares.</summary>
/// <param name="Name">The flattened parameter key, for example <c>LearningRate</c> or <c>HiddenLayerSizes[0]</c>.</param>
/// <param name="Importance">Its share in [0, 1]; the shares of a sweep sum to 1 unless all are 0.</param>
public sealed record ParameterImportanceEntry(string Name, double Importance);

/// <summary>
/// Ranks a sweep's parameters by how much each one, on its own, moves the loss.
/// </summary>
/// <remarks>
/// <para>
/// The method is a first-order functional ANOVA in the spirit of fANOVA (Hutter, Hoos and Leyton-Brown, ICML 2014),
/// simplified for the tens to hundreds of trials of a sweep, in three steps:
/// </para>
/// <list type="number">
/// <item>A random forest of regression trees (<c>RegressionForest</c>: 64 bootstrap trees, depth 8, at least 2 trials a
/// leaf, every parameter tried at each split) is fitted on the completed trials: the flattened numeric
/// parameters (booleans as 0 and 1, strings as the rank of their value) predict <see cref="TrialResult.Loss"/>.</item>
/// <item>For each parameter j, its main effect is the forest's partial dependence
/// f_j(v) = mean over trials i of forest(x_i with x_ij set to v), evaluated at the values v the trials took (at most 16
/// quantiles of them). fANOVA marginalises over the uniform distribution of the search space; this marginalises over the
/// trials instead, which needs no knowledge of the space.</item>
/// <item>Importance_j = Var_v f_j(v), weighted by how often each value occurred, divided by the sum over parameters.
/// Interactions are not attributed to any parameter.</item>
/// </list>
/// <para>Pruned and failed trials are left out (their loss is not a final loss); parameters that never vary get 0.</para>
/// </remarks>
public static class ParameterImportance
{
    private const int MaxGridPoints = 16;

    /// <summary>Computes each varied parameter's importance, most important first.</summary>
    /// <param name="trials">The sweep's trials, in any state.</param>
    /// <param name="seed">Seed of the forest.</param>
    /// <returns>One entry per parameter that varies among the completed trials; empty with fewer than 3 of them.</returns>
    public static IReadOnlyList<ParameterImportanceEntry> Compute(IEnumerable<TrialResult> trials, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var completed = TrialFlattener.Flatten(trials.Where(t => t.State == TrialState.Completed && double.IsFinite(t.Loss)));
        var (names, x) = Encode(completed);
        if (completed.Count < 3 || names.Count == 0)
        {
            return [];
        }

        var y = completed.Select(t => t.Result.Loss).ToArray();
        var forest = RegressionForest.Fit(x, y, seed: seed);
        var effects = names.Select((_, j) => MainEffectVariance(forest, x, j)).ToArray();
        double sum = effects.Sum();
        return names.Select((name, j) => new ParameterImportanceEntry(name, sum > 0 ? effects[j] / sum : 0))
            .OrderByDescending(e => e.Importance).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Turns flat trials into a matrix: varied numeric keys as they are, varied string keys as the rank of
    /// their value, and a value missing from a trial as one below the key's smallest.</summary>
    private static (List<string> Names, double[][] X) Encode(IReadOnlyList<FlatTrial> trials)
    {
        var names = new List<string>();
        var columns = new List<double[]>();
        foreach (var key in TrialFlattener.VariedNumericKeys(trials))
        {
            names.Add(key);
            columns.Add(trials.Select(t => t.Numbers.GetValueOrDefault(key, double.NaN)).ToArray());
        }

        var stringKeys = trials.SelectMany(t => t.Text.Keys).Distinct().Where(k => trials.All(t => !t.Numbers.ContainsKey(k)));
        foreach (var key in stringKeys.Order(StringComparer.Ordinal))
        {
            var levels = trials.Select(t => t.Text.GetValueOrDefault(key)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            if (levels.Count > 1)
            {
                names.Add(key);
                columns.Add(trials.Select(t => t.Text.TryGetValue(key, out var v) ? levels.IndexOf(v) : double.NaN).ToArray());
            }
        }

        foreach (var column in columns)
        {
            double missing = column.Where(double.IsFinite).DefaultIfEmpty(0).Min() - 1;
            for (int i = 0; i < column.Length; i++)
            {
                column[i] = double.IsFinite(column[i]) ? column[i] : missing;
            }
        }

        var x = trials.Select((_, i) => columns.Select(c => c[i]).ToArray()).ToArray();
        return (names, x);
    }

    private static double MainEffectVariance(RegressionForest forest, double[][] x, int feature)
    {
        // Grid: the distinct values the trials took, thinned to quantiles, each weighted by the trials it stands for.
        var values = x.Select(r => r[feature]).Order().ToArray();
        var grid = values.Distinct().Count() <= MaxGridPoints
            ? values.GroupBy(v => v).Select(g => (Value: g.Key, Weight: (double)g.Count())).ToList()
            : Enumerable.Range(0, MaxGridPoints)
                .Select(q => (Value: values[(int)((q + 0.5) * values.Length / MaxGridPoints)], Weight: 1.0)).ToList();

        var row = new double[x[0].Length];
        var effects = grid.Select(point =>
        {
            double sum = 0;
            foreach (var trial in x)
            {
                Array.Copy(trial, row, row.Length);
                row[feature] = point.Value;
                sum += forest.Predict(row);
            }

            return sum / x.Length;
        }).ToArray();

        double weight = grid.Sum(p => p.Weight);
        double mean = grid.Select((p, i) => p.Weight * effects[i]).Sum() / weight;
        return grid.Select((p, i) => p.Weight * (effects[i] - mean) * (effects[i] - mean)).Sum() / weight;
    }
}
