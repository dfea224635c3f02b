// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.Bench.Hpo;

/// <summary>
/// The four objectives of OBJECTIVES.md, with their search spaces declared exactly as the protocol says.
/// </summary>
internal sealed record Objective(string Name, double Optimum, Func<SearchSpace> CreateSpace, Func<Parameter, double> Evaluate)
{
    public static IReadOnlyList<Objective> All { get; } =
    [
        new("branin", 0.397887, BraninSpace, Branin),
        new("hartmann6", -3.32237, () => UnitSpace(6, 0, 1), Hartmann6),
        new("rosenbrock4", 0, () => UnitSpace(4, -2, 2), Rosenbrock4),
        new("dlmixed", 0.25, DlMixedSpace, DlMixed),
    ];

    private static SearchSpace BraninSpace() => new()
    {
        ["x1"] = new UniformDoubleOption(-5, 10),
        ["x2"] = new UniformDoubleOption(0, 15),
    };

    private static SearchSpace UnitSpace(int d, double min, double max)
    {
        var space = new SearchSpace();
        for (int i = 1; i <= d; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(min, max);
        }

        return space;
    }

    private static SearchSpace DlMixedSpace() => new()
    {
        ["learning_rate"] = new UniformDoubleOption(1e-5, 1, logBase: true),
        ["batch_size"] = new UniformIntOption(8, 512, logBase: true),
        ["dropout"] = new UniformDoubleOption(0, 0.8),
        ["weight_decay"] = new UniformDoubleOption(1e-6, 1e-1, logBase: true),
        ["optimizer"] = new ChoiceOption("sgd", "momentum", "adam", "rmsprop"),
    };

    public static double Branin(Parameter p)
    {
        double x1 = p["x1"].AsType<double>();
        double x2 = p["x2"].AsType<double>();
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double u = x2 - (b * x1 * x1) + (c * x1) - 6;
        return (u * u) + (10 * (1 - t) * Math.Cos(x1)) + 10;
    }

    private static readonly double[] s_alpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] s_a =
    {
        { 10, 3, 17, 3.5, 1.7, 8 },
        { 0.05, 10, 17, 0.1, 8, 14 },
        { 3, 3.5, 1.7, 10, 17, 8 },
        { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] s_p =
    {
        { 1312, 1696, 5569, 124, 8283, 5886 },
        { 2329, 4135, 8307, 3736, 1004, 9991 },
        { 2348, 1451, 3522, 2883, 3047, 6650 },
        { 4047, 8828, 8732, 5743, 1091, 381 },
    };

    public static double Hartmann6(Parameter p)
    {
        double sum = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 6; j++)
            {
                double x = p[$"x{j + 1}"].AsType<double>();
                double d = x - (1e-4 * s_p[i, j]);
                inner += s_a[i, j] * d * d;
            }

            sum += s_alpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }

    public static double Rosenbrock4(Parameter p)
    {
        var x = Enumerable.Range(1, 4).Select(i => p[$"x{i}"].AsType<double>()).ToArray();
        double sum = 0;
        for (int i = 0; i < 3; i++)
        {
            sum += (100 * Math.Pow(x[i + 1] - (x[i] * x[i]), 2)) + Math.Pow(1 - x[i], 2);
        }

        return sum;
    }

    public static double DlMixed(Parameter p)
    {
        double lr = p["learning_rate"].AsType<double>();
        int bs = p["batch_size"].AsType<int>();
        double dropout = p["dropout"].AsType<double>();
        double wd = p["weight_decay"].AsType<double>();
        string opt = p["optimizer"].AsType<string>();
        (double l0, double lr0) = opt switch
        {
            "sgd" => (0.05, 0.1),
            "momentum" => (0.0, 0.05),
            "adam" => (0.015, 0.001),
            _ => (0.03, 0.0003),
        };
        double lrOpt = lr0 * Math.Sqrt(bs / 32.0);
        double u = Math.Log10(lr / lrOpt);
        double fLr = (0.12 * u * u) + (0.8 * Math.Pow(Math.Max(0, u - 0.5), 2));
        double b = Math.Log2(bs / 32.0);
        double fBs = (0.006 * b * b) + (0.02 * Math.Max(0, b));
        double reg = (dropout / 0.8) + ((Math.Log10(wd) + 6) / 5);
        double fReg = 0.10 * Math.Pow(reg - 0.5, 2);
        double fInt = 0.04 * dropout * Math.Max(0, -u);
        return 0.25 + l0 + fLr + fBs + fReg + fInt;
    }
}
