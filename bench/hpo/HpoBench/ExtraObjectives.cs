// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Bench.Hpo;

/// <summary>
/// Objectives outside the anchor set (run with --suite extra), to check that the tuners were not fitted to the four
/// benchmark objectives: classic test functions with off-centre optima, and an integer-heavy mixed space.
/// </summary>
internal static class ExtraObjectives
{
    public static IReadOnlyList<Objective> All { get; } =
    [
        new("ackley5", 0, () => Box(5, -5, 10), Ackley),
        new("levy4", 0, () => Box(4, -10, 10), p => Levy(p, 4)),
        new("levy12", 0, () => Box(12, -10, 10), p => Levy(p, 12)),
        new("camel6hump", -1.0316, SixHumpSpace, SixHumpCamel),
        new("styblinski5", -195.83, () => Box(5, -5, 5), StyblinskiTang),
        new("hartmann3", -3.86278, () => Box(3, 0, 1), Hartmann3),
        new("intmixed", 0, IntMixedSpace, IntMixed),
    ];

    private static SearchSpace Box(int d, double min, double max)
    {
        var space = new SearchSpace();
        for (int i = 1; i <= d; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(min, max);
        }

        return space;
    }

    private static double[] X(Parameter p, int d) => Enumerable.Range(1, d).Select(i => p[$"x{i}"].AsType<double>()).ToArray();

    private static double Ackley(Parameter p)
    {
        var x = X(p, 5);
        double s1 = x.Sum(v => v * v) / x.Length;
        double s2 = x.Sum(v => Math.Cos(2 * Math.PI * v)) / x.Length;
        return (-20 * Math.Exp(-0.2 * Math.Sqrt(s1))) - Math.Exp(s2) + 20 + Math.E;
    }

    private static double Levy(Parameter p, int d)
    {
        var w = X(p, d).Select(v => 1 + ((v - 1) / 4)).ToArray();
        double sum = Math.Pow(Math.Sin(Math.PI * w[0]), 2);
        for (int i = 0; i < w.Length - 1; i++)
        {
            sum += Math.Pow(w[i] - 1, 2) * (1 + (10 * Math.Pow(Math.Sin((Math.PI * w[i]) + 1), 2)));
        }

        double last = w[^1];
        return sum + (Math.Pow(last - 1, 2) * (1 + Math.Pow(Math.Sin(2 * Math.PI * last), 2)));
    }

    private static SearchSpace SixHumpSpace() => new()
    {
        ["x1"] = new UniformDoubleOption(-3, 3),
        ["x2"] = new UniformDoubleOption(-2, 2),
    };

    private static double SixHumpCamel(Parameter p)
    {
        double x = p["x1"].AsType<double>();
        double y = p["x2"].AsType<double>();
        return ((4 - (2.1 * x * x) + (Math.Pow(x, 4) / 3)) * x * x) + (x * y) + ((-4 + (4 * y * y)) * y * y);
    }

    private static double StyblinskiTang(Parameter p) =>
        X(p, 5).Sum(v => Math.Pow(v, 4) - (16 * v * v) + (5 * v)) / 2;

    private static readonly double[,] s_a3 = { { 3, 10, 30 }, { 0.1, 10, 35 }, { 3, 10, 30 }, { 0.1, 10, 35 } };
    private static readonly double[,] s_p3 =
    {
        { 0.3689, 0.1170, 0.2673 }, { 0.4699, 0.4387, 0.7470 }, { 0.1091, 0.8732, 0.5547 }, { 0.0381, 0.5743, 0.8828 },
    };

    private static double Hartmann3(Parameter p)
    {
        var x = X(p, 3);
        double[] alpha = [1.0, 1.2, 3.0, 3.2];
        double sum = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 3; j++)
            {
                inner += s_a3[i, j] * Math.Pow(x[j] - s_p3[i, j], 2);
            }

            sum += alpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }

    private static SearchSpace IntMixedSpace() => new()
    {
        ["trees"] = new UniformIntOption(10, 2000, logBase: true),
        ["depth"] = new UniformIntOption(1, 16),
        ["leaves"] = new UniformIntOption(2, 256, logBase: true),
        ["subsample"] = new UniformDoubleOption(0.3, 1),
        ["booster"] = new ChoiceOption("gbtree", "dart", "linear"),
        ["shrink"] = new ChoiceOption(false, true),
    };

    /// <summary>A gradient-boosting-like loss: depth and leaves interact, trees trade off against subsampling, and the
    /// best booster is not the first candidate. f* = 0 at dart, depth 7, 96 leaves, 400 trees, subsample 0.8, shrink.</summary>
    private static double IntMixed(Parameter p)
    {
        double trees = Math.Log(p["trees"].AsType<int>() / 400.0);
        int depth = p["depth"].AsType<int>();
        double leaves = Math.Log2(p["leaves"].AsType<int>() / 96.0);
        double subsample = p["subsample"].AsType<double>();
        string booster = p["booster"].AsType<string>();
        bool shrink = p["shrink"].AsType<bool>();
        double boosterPenalty = booster switch { "dart" => 0, "gbtree" => 0.02, _ => 0.15 };
        return (0.05 * trees * trees) + (0.01 * Math.Pow(depth - 7, 2)) + (0.03 * leaves * leaves)
            + (0.02 * Math.Abs(leaves) * Math.Abs(depth - 7)) + (0.5 * Math.Pow(subsample - 0.8, 2))
            + boosterPenalty + (shrink ? 0 : 0.03);
    }
}
