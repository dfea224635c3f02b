// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Tests.MultiObjective;

[TestClass]
public class MultiObjectiveTunerTests
{
    private static readonly ObjectiveSet s_twoObjectives = new([Objective.Minimize("f1"), Objective.Minimize("f2")]);

    /// <summary>ZDT1 with 6 variables: the front is f2 = 1 - sqrt(f1) where x2..x6 are 0.</summary>
    private static AutoML.SearchSpace.SearchSpace Space(int d = 6)
    {
        var space = new AutoML.SearchSpace.SearchSpace();
        for (int i = 1; i <= d; i++)
        {
            space[$"x{i}"] = new UniformDoubleOption(0, 1);
        }

        return space;
    }

    private static double[] X(Parameter p) => [.. Enumerable.Range(1, 6).Select(i => p[$"x{i}"].AsType<double>())];

    private static Dictionary<string, double> Zdt1(Parameter p)
    {
        var x = X(p);
        double g = 1 + (9 * x.Skip(1).Sum() / 5);
        return new() { ["f1"] = x[0], ["f2"] = g * (1 - Math.Sqrt(x[0] / g)) };
    }

    /// <summary>Asks and tells <paramref name="trials"/> trials; returns the metrics of each, in order.</summary>
    private static List<Dictionary<string, double>> Run(ITuner tuner, Func<Parameter, Dictionary<string, double>> problem, int trials)
    {
        var seen = new List<Dictionary<string, double>>();
        for (int t = 0; t < trials; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            var metrics = problem(settings.Parameter);
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = metrics["f1"], Metric = metrics["f1"], Metrics = metrics });
            seen.Add(metrics);
        }

        return seen;
    }

    /// <summary>Both objectives best at (1, 1), with "sum" = x1 + x2 for a constraint that keeps the points near (0, 0).</summary>
    private static Dictionary<string, double> Corner(Parameter p)
    {
        double a = p["x1"].AsType<double>(), b = p["x2"].AsType<double>();
        return new() { ["f1"] = (a - 1) * (a - 1), ["f2"] = (b - 1) * (b - 1), ["sum"] = a + b };
    }

    private static double Volume(IEnumerable<Dictionary<string, double>> trials) =>
        Pareto.Hypervolume(trials.Select(m => (IReadOnlyList<double>)[m["f1"], m["f2"]]), [11, 11]);

    [TestMethod]
    public void BayesianAndNsga_OnZdt1_EveryRunBeatsEveryRandomRun()
    {
        // Hypervolume after 40 trials (Bayesian), 3 seeds each: on the bench (10 variables, 20 seeds) the Bayesian tuner's worst
        // quartile is 15 points above random search's best, so "every run beats every run" has a wide margin.
        var random = Enumerable.Range(0, 3).Select(seed => Volume(Run(new RandomSearchTuner(Space(), seed), Zdt1, 40))).ToList();
        var bayesian = Enumerable.Range(0, 3).Select(seed => Volume(Run(new MultiObjectiveBayesianTuner(Space(), s_twoObjectives, seed), Zdt1, 40))).ToList();
        // NSGA-II needs generations: 400 trials, 20 generations of its default population.
        var nsga = Enumerable.Range(0, 3).Select(seed => Volume(Run(new NsgaTuner(Space(), s_twoObjectives, seed), Zdt1, 400))).ToList();
        var random400 = Enumerable.Range(0, 3).Select(seed => Volume(Run(new RandomSearchTuner(Space(), seed), Zdt1, 400))).ToList();

        Assert.IsGreaterThan(random.Max(), bayesian.Min(), $"Bayesian {string.Join(", ", bayesian)} against random {string.Join(", ", random)}");
        Assert.IsGreaterThan(random400.Max(), nsga.Min(), $"NSGA-II {string.Join(", ", nsga)} against random {string.Join(", ", random400)}");
    }

    [TestMethod]
    public void Bayesian_Constraint_ModelsFeasibility()
    {
        // Feasible where x1 + x2 <= 0.5: an eighth of the square. Random search keeps it about one time in eight.
        var space = Space(2);
        var objectives = new ObjectiveSet([Objective.Minimize("f1"), Objective.Minimize("f2")], [Constraint.AtMost("sum", 0.5)]);
        var trials = Run(new MultiObjectiveBayesianTuner(space, objectives, seed: 3), Corner, 30);

        int feasible = trials.Skip(10).Count(m => m["sum"] <= 0.5);
        Assert.IsGreaterThanOrEqualTo(12, feasible, $"{feasible} of the 20 proposals after the design are feasible");
    }

    [TestMethod]
    public void Nsga_Constraint_FeasibleParentsBreedFeasibleChildren()
    {
        var space = Space(2);
        var objectives = new ObjectiveSet([Objective.Minimize("f1"), Objective.Minimize("f2")], [Constraint.AtMost("sum", 0.5)]);
        var trials = Run(new NsgaTuner(space, objectives, seed: 3, populationSize: 10), Corner, 60);

        int feasible = trials.Skip(30).Count(m => m["sum"] <= 0.5);
        Assert.IsGreaterThanOrEqualTo(12, feasible, $"{feasible} of the last 30 children are feasible (random: about 4)");
    }

    [TestMethod]
    public void Bayesian_WithoutAnyObjectiveValue_KeepsProposingFromTheDesignAndAtRandom()
    {
        var tuner = new MultiObjectiveBayesianTuner(Space(), s_twoObjectives, seed: 1);
        var proposals = new HashSet<string>();
        for (int t = 0; t < 15; t++)
        {
            var settings = new TrialSettings { TrialId = t };
            settings.Parameter = tuner.Propose(settings);
            proposals.Add(settings.Parameter.ToJson());
            tuner.Update(new TrialResult { TrialSettings = settings, Loss = 1, Metric = 1 }); // no f1, f2: nothing to learn
        }

        Assert.HasCount(15, proposals);
    }

    [TestMethod]
    public void Constructors_BadArguments_Refused()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => new MultiObjectiveBayesianTuner(Space(), null!));
        var population = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NsgaTuner(Space(), s_twoObjectives, populationSize: 3));
        StringAssert.Contains(population.Message, "`populationSize` must be at least 4, but got 3");
    }
}
