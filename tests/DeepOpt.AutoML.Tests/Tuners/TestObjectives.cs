// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.Tuners;

/// <summary>Small objectives and the sequential Propose/Update loop the tuner tests share.</summary>
internal static class TestObjectives
{
    /// <summary>The loss as the one objective, so the multi-objective tuners learn what the others learn.</summary>
    public static readonly AutoML.MultiObjective.ObjectiveSet LossOnly =
        new([new AutoML.MultiObjective.Objective("Loss", AutoML.MultiObjective.ObjectiveDirection.Minimize, r => r.Loss)]);

    public static AutoML.SearchSpace.SearchSpace BraninSpace() => new()
    {
        ["x1"] = new UniformDoubleOption(-5, 10),
        ["x2"] = new UniformDoubleOption(0, 15),
    };

    public static double Branin(Parameter p)
    {
        double x1 = p["x1"].AsType<double>();
        double x2 = p["x2"].AsType<double>();
        double u = x2 - (5.1 / (4 * Math.PI * Math.PI) * x1 * x1) + (5 / Math.PI * x1) - 6;
        return (u * u) + (10 * (1 - (1 / (8 * Math.PI))) * Math.Cos(x1)) + 10;
    }

    public static AutoML.SearchSpace.SearchSpace MixedSpace() => new()
    {
        ["lr"] = new UniformDoubleOption(1e-4, 1, logBase: true),
        ["units"] = new UniformIntOption(1, 6),
        ["optimizer"] = new ChoiceOption("sgd", "adam", "rmsprop"),
        ["nested"] = new AutoML.SearchSpace.SearchSpace { ["flag"] = new ChoiceOption(false, true) },
    };

    public static double Mixed(Parameter p)
    {
        double lr = Math.Log10(p["lr"].AsType<double>()) + 2;
        int units = p["units"].AsType<int>();
        double opt = p["optimizer"].AsType<string>() == "adam" ? 0 : 0.5;
        return (lr * lr) + Math.Abs(units - 4) + opt + (p["nested"]["flag"].AsType<bool>() ? 0 : 0.25);
    }

    /// <summary>The unit cube [0, 1]^3 with no init values: every option starts at its lower bound.</summary>
    public static AutoML.SearchSpace.SearchSpace Hartmann3Space() => new()
    {
        ["x1"] = new UniformDoubleOption(0, 1),
        ["x2"] = new UniformDoubleOption(0, 1),
        ["x3"] = new UniformDoubleOption(0, 1),
    };

    /// <summary>The 3-d Hartmann function: f* = -3.86278; a local minimum of about -1.0 lies nearest the origin.</summary>
    public static double Hartmann3(Parameter p)
    {
        double[] x = [p["x1"].AsType<double>(), p["x2"].AsType<double>(), p["x3"].AsType<double>()];
        double[] alpha = [1.0, 1.2, 3.0, 3.2];
        double[,] a = { { 3, 10, 30 }, { 0.1, 10, 35 }, { 3, 10, 30 }, { 0.1, 10, 35 } };
        double[,] centre = { { 0.3689, 0.1170, 0.2673 }, { 0.4699, 0.4387, 0.7470 }, { 0.1091, 0.8732, 0.5547 }, { 0.0381, 0.5743, 0.8828 } };
        double sum = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 3; j++)
            {
                inner += a[i, j] * (x[j] - centre[i, j]) * (x[j] - centre[i, j]);
            }

            sum += alpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }

    /// <summary>Runs the protocol loop and returns the proposals and the best loss after each trial.</summary>
    public static (List<Parameter> Proposals, double[] Best) Run(ITuner tuner, Func<Parameter, double> objective, int trials)
    {
        var proposals = new List<Parameter>();
        var best = new double[trials];
        double bestSoFar = double.PositiveInfinity;
        for (int t = 0; t < trials; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            proposals.Add(settings.Parameter);
            double loss = objective(settings.Parameter);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = loss, Metric = loss, DurationInMilliseconds = 1 });
            if (loss < bestSoFar)
            {
                bestSoFar = loss;
            }

            best[t] = bestSoFar;
        }

        return (proposals, best);
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[(v.Length / 2) - 1] + v[v.Length / 2]);
    }
}
