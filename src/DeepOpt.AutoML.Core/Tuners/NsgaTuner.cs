// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// A steady-state NSGA-II (Deb et al., 2002) for several objectives with constraints: a baseline for the
/// <see cref="MultiObjectiveBayesianTuner"/>, and a cheap tuner for budgets of thousands of trials.
/// </summary>
/// <remarks>
/// The first <c>populationSize</c> trials are a Latin-hypercube design. After that every proposal is a child of two
/// parents, each the winner of a binary tournament among the population: the <c>populationSize</c> best trials so far by
/// non-dominated rank, then crowding distance. Feasible trials rank before infeasible ones, and infeasible ones by how
/// far they break the constraints (Deb's constrained domination). A child takes simulated binary crossover (probability
/// 0.9, index 15) and polynomial mutation (probability 1/d per coordinate, index 20) of the numeric coordinates in the
/// unit cube, and each choice from either parent, resampled with probability 1/d. Proposals made while trials run see
/// the population as it is: the tuner is asynchronous and needs no generations.
/// </remarks>
public sealed class NsgaTuner : ITuner
{
    private const double CrossoverProbability = 0.9;
    private const double CrossoverIndex = 15;
    private const double MutationIndex = 20;

    private readonly SearchSpace.SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly ObjectiveSet _objectives;
    private readonly Random _random;
    private readonly CandidateSampler _sampler;
    private readonly int _populationSize;
    private readonly double[][] _design;
    private readonly List<(double[] Point, double[] Losses, double Violation)> _evaluated = [];
    private readonly TrialPoints _points;

    /// <summary>Initializes the tuner.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="objectives">The objectives and constraints, as the experiment has them.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="populationSize">The population's size, at least 4; also the size of the initial design.</param>
    public NsgaTuner(SearchSpace.SearchSpace searchSpace, ObjectiveSet objectives, int seed = 0, int populationSize = 20)
    {
        _searchSpace = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        _objectives = objectives ?? throw new ArgumentNullException(nameof(objectives));
        if (populationSize < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, $"`{nameof(populationSize)}` must be at least 4, but got {populationSize}.");
        }

        _features = searchSpace.Features;
        _populationSize = populationSize;
        _random = new Random(seed);
        _sampler = new CandidateSampler(_features, _random, 0);
        _design = _sampler.LatinHypercube(populationSize);
        _points = new TrialPoints(searchSpace, _sampler);
    }

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int taken = _points.Taken;
        var population = _evaluated.Count >= 2 && taken >= _populationSize ? Population() : null;
        for (int attempt = 0; ; attempt++)
        {
            var point = population == null
                ? (taken < _design.Length && attempt == 0 ? _design[taken] : _sampler.RandomPoint())
                : Child(population);
            if (_points.TryClaim(point) || attempt >= 100)
            {
                return _points.Propose(settings.TrialId, point);
            }
        }
    }

    /// <inheritdoc/>
    public void ReportPending(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _points.ReportPending(settings);
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var point = _points.Finish(result);
        var losses = _objectives.LossesOf(result);
        if (!result.IsFailed && !result.IsCanceled && losses.All(double.IsFinite))
        {
            double violation = _objectives.Constraints.Sum(c => Math.Max(0, c.ExcessOf(result)));
            _evaluated.Add((point, losses, violation));
        }
    }

    /// <summary>The best <c>populationSize</c> evaluated trials, each with its rank (lower is better) and crowding
    /// distance (larger is better), best first.</summary>
    private List<(double[] Point, int Rank, double Crowding)> Population()
    {
        var feasible = _evaluated.Where(e => e.Violation <= 0).ToList();
        var ranks = Pareto.Ranks([.. feasible.Select(e => e.Losses)]);
        int worst = ranks.Length == 0 ? 0 : ranks.Max() + 1;
        var ranked = feasible.Select((e, i) => (e.Point, e.Losses, Rank: ranks[i]))
            .Concat(_evaluated.Where(e => e.Violation > 0).OrderBy(e => e.Violation).Select((e, i) => (e.Point, e.Losses, Rank: worst + i)))
            .ToList();
        var population = new List<(double[] Point, int Rank, double Crowding)>();
        foreach (var front in ranked.GroupBy(r => r.Rank).OrderBy(g => g.Key))
        {
            var members = front.ToList();
            var crowding = Crowding([.. members.Select(m => m.Losses)]);
            population.AddRange(members.Select((m, i) => (m.Point, m.Rank, crowding[i])).OrderByDescending(m => m.Item3));
            if (population.Count >= _populationSize)
            {
                break;
            }
        }

        return population.Take(_populationSize).ToList();
    }

    private static double[] Crowding(double[][] losses)
    {
        int n = losses.Length;
        var distance = new double[n];
        for (int k = 0; n > 0 && k < losses[0].Length; k++)
        {
            var order = Enumerable.Range(0, n).OrderBy(i => losses[i][k]).ToArray();
            double span = losses[order[^1]][k] - losses[order[0]][k];
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            for (int i = 1; i < n - 1 && span > 0; i++)
            {
                distance[order[i]] += (losses[order[i + 1]][k] - losses[order[i - 1]][k]) / span;
            }
        }

        return distance;
    }

    private double[] Child(List<(double[] Point, int Rank, double Crowding)> population)
    {
        var a = Tournament(population);
        var b = Tournament(population);
        var child = (double[])a.Clone();
        bool cross = _random.NextDouble() < CrossoverProbability;
        double mutation = 1.0 / Math.Max(1, child.Length);
        for (int i = 0; i < child.Length; i++)
        {
            var info = _features[i];
            if (info.Kind == FeatureKind.Categorical)
            {
                child[i] = cross && _random.NextDouble() < 0.5 ? b[i] : a[i];
                if (_random.NextDouble() < mutation)
                {
                    child[i] = info.BinCentre(_random.Next(info.Cardinality));
                }

                continue;
            }

            if (cross && _random.NextDouble() < 0.5 && Math.Abs(a[i] - b[i]) > 1e-12)
            {
                child[i] = Math.Clamp(SimulatedBinary(a[i], b[i]), 0, 1);
            }

            if (_random.NextDouble() < mutation)
            {
                child[i] = Polynomial(child[i]);
            }
        }

        return _sampler.Snap(child);
    }

    private double[] Tournament(List<(double[] Point, int Rank, double Crowding)> population)
    {
        var x = population[_random.Next(population.Count)];
        var y = population[_random.Next(population.Count)];
        return x.Rank < y.Rank || (x.Rank == y.Rank && x.Crowding >= y.Crowding) ? x.Point : y.Point;
    }

    /// <summary>One child of simulated binary crossover of two coordinates.</summary>
    private double SimulatedBinary(double a, double b)
    {
        double u = _random.NextDouble();
        double beta = u <= 0.5 ? Math.Pow(2 * u, 1 / (CrossoverIndex + 1)) : Math.Pow(1 / (2 * (1 - u)), 1 / (CrossoverIndex + 1));
        double mean = (a + b) / 2;
        double half = Math.Abs(b - a) / 2;
        return _random.NextDouble() < 0.5 ? mean - (beta * half) : mean + (beta * half);
    }

    /// <summary>Polynomial mutation of a coordinate of the unit cube.</summary>
    private double Polynomial(double value)
    {
        double u = _random.NextDouble();
        double delta = u < 0.5
            ? Math.Pow(2 * u + ((1 - (2 * u)) * Math.Pow(1 - value, MutationIndex + 1)), 1 / (MutationIndex + 1)) - 1
            : 1 - Math.Pow((2 * (1 - u)) + (2 * (u - 0.5) * Math.Pow(value, MutationIndex + 1)), 1 / (MutationIndex + 1));
        return Math.Clamp(value + delta, 0, 1);
    }
}
