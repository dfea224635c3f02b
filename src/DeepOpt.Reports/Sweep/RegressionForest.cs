// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Reports.Sweep;

/// <summary>
/// A small random forest of regression trees (bootstrap rows, every feature tried at each split, variance
/// reduction as the split criterion), enough to model a loss over a few dozen hyperparameters.
/// </summary>
internal sealed class RegressionForest
{
    private readonly List<Tree> _trees;

    private RegressionForest(List<Tree> trees) => _trees = trees;

    /// <summary>Fits a forest.</summary>
    /// <param name="x">Rows of features; NaN is not allowed.</param>
    /// <param name="y">The target of each row.</param>
    /// <param name="treeCount">Number of trees.</param>
    /// <param name="maxDepth">Depth limit of each tree.</param>
    /// <param name="minLeaf">Fewest rows in a leaf.</param>
    /// <param name="seed">Seed of the bootstrap and feature sampling.</param>
    /// <returns>The fitted forest.</returns>
    public static RegressionForest Fit(double[][] x, double[] y, int treeCount = 64, int maxDepth = 8, int minLeaf = 2, int seed = 0)
    {
        var random = new Random(seed);
        int features = x[0].Length;
        // Every feature is tried at each split (bagging only): with a few dozen trials, splits forced onto a random
        // subset would credit noise parameters with effects that belong to the one they could not see.
        int tried = features;
        var trees = new List<Tree>(treeCount);
        for (int t = 0; t < treeCount; t++)
        {
            var rows = Enumerable.Range(0, y.Length).Select(_ => random.Next(y.Length)).ToArray();
            var tree = new Tree();
            tree.Grow(x, y, rows, 0, maxDepth, minLeaf, tried, random);
            trees.Add(tree);
        }

        return new RegressionForest(trees);
    }

    /// <summary>Predicts one row: the mean of the trees' leaves.</summary>
    /// <param name="row">The features.</param>
    /// <returns>The prediction.</returns>
    public double Predict(double[] row)
    {
        double sum = 0;
        foreach (var tree in _trees)
        {
            sum += tree.Predict(row);
        }

        return sum / _trees.Count;
    }

    /// <summary>A tree stored as parallel lists; node 0 is the root, a leaf has feature -1.</summary>
    private sealed class Tree
    {
        private readonly List<int> _feature = [];
        private readonly List<double> _threshold = [];
        private readonly List<int> _left = [];
        private readonly List<int> _right = [];
        private readonly List<double> _value = [];

        public double Predict(double[] row)
        {
            int node = 0;
            while (_feature[node] >= 0)
            {
                node = row[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
            }

            return _value[node];
        }

        public int Grow(double[][] x, double[] y, int[] rows, int depth, int maxDepth, int minLeaf, int tried, Random random)
        {
            int node = _feature.Count;
            _feature.Add(-1);
            _threshold.Add(0);
            _left.Add(-1);
            _right.Add(-1);
            _value.Add(rows.Average(r => y[r]));
            if (depth >= maxDepth || rows.Length < 2 * minLeaf)
            {
                return node;
            }

            var (feature, threshold) = BestSplit(x, y, rows, minLeaf, tried, random);
            if (feature < 0)
            {
                return node;
            }

            var left = rows.Where(r => x[r][feature] <= threshold).ToArray();
            var right = rows.Where(r => x[r][feature] > threshold).ToArray();
            _feature[node] = feature;
            _threshold[node] = threshold;
            _left[node] = Grow(x, y, left, depth + 1, maxDepth, minLeaf, tried, random);
            _right[node] = Grow(x, y, right, depth + 1, maxDepth, minLeaf, tried, random);
            return node;
        }

        private static (int Feature, double Threshold) BestSplit(double[][] x, double[] y, int[] rows, int minLeaf, int tried, Random random)
        {
            int features = x[0].Length;
            var candidates = Enumerable.Range(0, features).OrderBy(_ => random.Next()).Take(tried);
            double total = rows.Sum(r => y[r]);
            double bestGain = 1e-12;
            (int Feature, double Threshold) best = (-1, 0);
            foreach (int f in candidates)
            {
                var sorted = rows.OrderBy(r => x[r][f]).ToArray();
                double leftSum = 0;
                for (int i = 0; i < sorted.Length - 1; i++)
                {
                    leftSum += y[sorted[i]];
                    int leftCount = i + 1;
                    int rightCount = sorted.Length - leftCount;
                    double here = x[sorted[i]][f];
                    double next = x[sorted[i + 1]][f];
                    if (leftCount < minLeaf || rightCount < minLeaf || here == next)
                    {
                        continue;
                    }

                    // Maximising n_L·mean_L² + n_R·mean_R² is maximising the reduction in squared error.
                    double rightSum = total - leftSum;
                    double gain = (leftSum * leftSum / leftCount) + (rightSum * rightSum / rightCount) - (total * total / sorted.Length);
                    if (gain > bestGain)
                    {
                        bestGain = gain;
                        best = (f, (here + next) / 2);
                    }
                }
            }

            return best;
        }
    }
}
