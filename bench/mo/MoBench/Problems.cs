// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Bench.MultiObjective;

/// <summary>
/// The problems of bench/mo, every objective minimized; optuna_mo.py defines the same ones in Python. ZDT1, ZDT2 and
/// ZDT3 (Zitzler, Deb and Thiele, 2000) have 10 variables in [0, 1]; DTLZ2 (Deb et al., 2002) has 3 objectives and 12
/// variables (k = 10); "mixed" is a made-up deep-learning-like problem: error against single-row latency over layers,
/// a log-scaled width and learning rate, dropout, and two choices.
/// </summary>
internal sealed record Problem(string Name, int Objectives, Func<SearchSpace> CreateSpace, Func<Parameter, double[]> Evaluate)
{
    public static IReadOnlyList<Problem> All { get; } =
    [
        new("zdt1", 2, () => UnitSpace(10), p => Zdt(p, (f1, g) => 1 - Math.Sqrt(f1 / g))),
        new("zdt2", 2, () => UnitSpace(10), p => Zdt(p, (f1, g) => 1 - ((f1 / g) * (f1 / g)))),
        new("zdt3", 2, () => UnitSpace(10), p => Zdt(p, (f1, g) => 1 - Math.Sqrt(f1 / g) - (f1 / g * Math.Sin(10 * Math.PI * f1)))),
        new("dtlz2", 3, () => UnitSpace(12), Dtlz2),
        new("mixed", 2, MixedSpace, Mixed),
    ];

    private static SearchSpace UnitSpace(int d)
    {
        var space = new SearchSpace();
        for (int i = 1; i <= d; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(0, 1);
        }

        return space;
    }

    private static double[] X(Parameter p, int d) => [.. Enumerable.Range(1, d).Select(i => p[$"x{i}"].AsType<double>())];

    private static double[] Zdt(Parameter p, Func<double, double, double> h)
    {
        var x = X(p, 10);
        double g = 1 + (9 * x.Skip(1).Sum() / 9);
        return [x[0], g * h(x[0], g)];
    }

    private static double[] Dtlz2(Parameter p)
    {
        var x = X(p, 12);
        double g = x.Skip(2).Sum(v => (v - 0.5) * (v - 0.5));
        double a = x[0] * Math.PI / 2, b = x[1] * Math.PI / 2;
        return [(1 + g) * Math.Cos(a) * Math.Cos(b), (1 + g) * Math.Cos(a) * Math.Sin(b), (1 + g) * Math.Sin(a)];
    }

    private static readonly Dictionary<string, (double BestLog10Rate, double Bonus)> s_optimizers = new()
    {
        ["sgd"] = (-1.0, 0.0), ["momentum"] = (-1.5, 0.01), ["adam"] = (-3.0, 0.015), ["rmsprop"] = (-3.2, 0.01),
    };

    private static readonly Dictionary<string, (double Bonus, double Cost)> s_activations = new()
    {
        ["relu"] = (0.0, 1.0), ["tanh"] = (-0.01, 1.1), ["gelu"] = (0.005, 1.25),
    };

    private static SearchSpace MixedSpace() => new()
    {
        ["layers"] = new UniformIntOption(1, 8),
        ["width"] = new UniformIntOption(16, 1024, logBase: true),
        ["learning_rate"] = new UniformDoubleOption(1e-5, 1, logBase: true),
        ["dropout"] = new UniformDoubleOption(0, 0.8),
        ["optimizer"] = new ChoiceOption("sgd", "momentum", "adam", "rmsprop"),
        ["activation"] = new ChoiceOption("relu", "tanh", "gelu"),
    };

    private static double[] Mixed(Parameter p)
    {
        int layers = p["layers"].AsType<int>();
        int width = p["width"].AsType<int>();
        double rate = p["learning_rate"].AsType<double>();
        double dropout = p["dropout"].AsType<double>();
        var optimizer = s_optimizers[p["optimizer"].AsType<string>()];
        var activation = s_activations[p["activation"].AsType<string>()];
        double capacity = layers * Math.Log2(width);
        double rateGap = Math.Log10(rate) - optimizer.BestLog10Rate;
        double dropoutGap = dropout - 0.1 - (0.02 * layers);
        double error = 0.05 + (0.4 * Math.Exp(-capacity / 12)) + (0.02 * rateGap * rateGap) + (0.3 * dropoutGap * dropoutGap)
            - optimizer.Bonus - activation.Bonus;
        double latency = activation.Cost * (0.02 + (layers * (double)width * width * 2e-7));
        return [error, latency];
    }
}
