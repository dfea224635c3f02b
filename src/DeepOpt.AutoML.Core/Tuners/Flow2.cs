// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// One FLOW2 local-search thread on the unit cube: randomized direct search around an incumbent, with the step-size
/// rules of Wu, Wang and Huang, "Frugal Optimization for Cost-related Hyperparameters" (AAAI 2021).
/// </summary>
/// <remarks>
/// Invariants: <see cref="Incumbent"/> is a point of [0, 1]^d and the best point this thread has seen
/// (<see cref="IncumbentLoss"/> is +infinity until its first result); <see cref="StepLowerBound"/> &lt;=
/// <see cref="Step"/> &lt;= the step upper bound while the thread is live; <see cref="ProposalsSinceImprovement"/>
/// &lt; <see cref="AllowedProposals"/>. Numeric coordinates move along random unit directions; a choice is never
/// stepped along (its bin order means nothing): a move either steps the numeric coordinates or gives one choice a
/// different candidate.
/// </remarks>
internal sealed class Flow2
{
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly int[] _numeric;
    private readonly int[] _categorical;
    private readonly Random _random;
    private readonly double _initialStep;
    private readonly double _stepUpperBound;
    private double[]? _lastDirection;
    private double[]? _lastMove;
    private bool _oppositeTried;
    private int _halvingsSinceImprovement;
    private double _firstLoss = double.PositiveInfinity;
    private int _firstTrySuccesses;
    private bool _started;

    public Flow2(IReadOnlyList<FeatureInfo> features, double[] start, Random random)
    {
        _features = features;
        _random = random;
        _numeric = Enumerable.Range(0, features.Count).Where(i => features[i].Kind != FeatureKind.Categorical).ToArray();
        _categorical = Enumerable.Range(0, features.Count).Where(i => features[i].Kind == FeatureKind.Categorical).ToArray();
        Incumbent = ProjectToUnitCube(start);

        // Steps are scaled by the number of numeric coordinates, not by the number of top-level keys: a unit direction
        // in d dimensions moves each coordinate by about step / sqrt(d).
        double scale = Math.Sqrt(Math.Max(1, _numeric.Length));
        _initialStep = 0.2 * scale;
        _stepUpperBound = scale;
        Step = _initialStep;
        bool anyContinuous = _numeric.Any(i => features[i].Kind == FeatureKind.Continuous);
        StepLowerBound = anyContinuous || _numeric.Length == 0
            ? 1e-5 * scale
            : 0.5 * _numeric.Min(i => 1.0 / features[i].Cardinality);
        AllowedProposals = Math.Max(2, (2 * _numeric.Length) + _categorical.Sum(i => features[i].Cardinality - 1));
    }

    /// <summary>Gets the best point of this thread.</summary>
    public double[] Incumbent { get; private set; }

    /// <summary>Gets the loss at <see cref="Incumbent"/>.</summary>
    public double IncumbentLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Gets the current step length (Euclidean, in feature units).</summary>
    public double Step { get; private set; }

    /// <summary>Gets the step below which the thread has converged.</summary>
    public double StepLowerBound { get; }

    /// <summary>Gets how many results since the incumbent last improved.</summary>
    public int ProposalsSinceImprovement { get; private set; }

    /// <summary>Gets how many non-improving results are allowed before the step shrinks.</summary>
    public int AllowedProposals { get; }

    /// <summary>Gets the smallest improvement that counts as progress, as a fraction of the thread's gain so far
    /// (its first loss minus the new one).</summary>
    public static double SignificantImprovement => 1e-3;

    /// <summary>Gets how many times the step may halve with no improvement before the thread counts as stalled.</summary>
    public static int StallHalvings => 3;

    /// <summary>Gets a value indicating whether the thread is done: the step fell below its lower bound, or it halved
    /// <see cref="StallHalvings"/> times in a row without finding anything better (the search is stuck at every
    /// scale it tried, so more trials here are better spent elsewhere).</summary>
    public bool Converged => Step < StepLowerBound || _halvingsSinceImprovement >= StallHalvings;

    /// <summary>Proposes the next point: the start, the opposite of a failed direction, or a new random move.</summary>
    public double[] Propose()
    {
        if (!_started)
        {
            _started = true;
            return (double[])Incumbent.Clone();
        }

        if (_numeric.Length == 0 && _categorical.Length == 0)
        {
            // An empty space has one configuration.
            return [];
        }

        if (_lastDirection != null && !_oppositeTried)
        {
            _oppositeTried = true;

            // Against a face of the cube the opposite may reflect onto the move just tried: then a new direction.
            var opposite = Move(OppositeOfLastDirection());
            if (_lastMove == null || !opposite.SequenceEqual(_lastMove))
            {
                return opposite;
            }
        }

        bool moveChoice = _categorical.Length > 0
            && (_numeric.Length == 0 || _random.NextDouble() < (double)_categorical.Length / _features.Count);
        if (moveChoice)
        {
            _lastDirection = null;
            return ChangeOneChoice();
        }

        _lastDirection = RandomUnitDirection();
        _oppositeTried = false;
        _lastMove = Move(_lastDirection);
        return _lastMove;
    }

    /// <summary>Records that the start point is taken (another worker runs it): the next proposal is a move.</summary>
    public void MarkStarted() => _started = true;

    /// <summary>Takes the result of a point this thread proposed; NaN or infinity counts as no improvement.</summary>
    public void Report(double[] point, double loss)
    {
        // A replayed result (resuming a run) stands in for the start: the search continues from the best one.
        _started = true;
        if (double.IsFinite(loss) && loss < IncumbentLoss)
        {
            // Progress is an improvement that matters next to what the thread has gained since its first result:
            // creeping down a local minimum by ever smaller amounts moves the incumbent but is not progress, so the
            // step still shrinks and the thread counts as stalled, and the trials go to a restart instead.
            bool progress = !double.IsFinite(IncumbentLoss)
                || (IncumbentLoss - loss) > SignificantImprovement * (_firstLoss - loss);
            bool firstTry = _lastDirection != null && !_oppositeTried;
            if (!double.IsFinite(IncumbentLoss))
            {
                _firstLoss = loss;
            }

            Incumbent = point;
            IncumbentLoss = loss;

            // The next proposal draws a fresh direction around the new incumbent.
            _oppositeTried = true;
            if (progress)
            {
                ProposalsSinceImprovement = 0;
                _halvingsSinceImprovement = 0;
                _firstTrySuccesses = firstTry ? _firstTrySuccesses + 1 : 0;
                if (_firstTrySuccesses >= 2)
                {
                    GrowStep();
                }

                return;
            }
        }

        _firstTrySuccesses = 0;
        ProposalsSinceImprovement++;
        if (ProposalsSinceImprovement >= AllowedProposals)
        {
            ShrinkStep();
        }
    }

    private void ShrinkStep()
    {
        Step *= 0.5;
        ProposalsSinceImprovement = 0;
        _halvingsSinceImprovement++;
    }

    private void GrowStep()
    {
        Step = Math.Min(_stepUpperBound, Step * 2);
        _firstTrySuccesses = 0;
    }

    private double[] OppositeOfLastDirection() => _lastDirection!.Select(v => -v).ToArray();

    private double[] RandomUnitDirection()
    {
        var direction = new double[_features.Count];
        double norm = 0;
        while (norm < 1e-12)
        {
            norm = 0;
            foreach (int i in _numeric)
            {
                direction[i] = Gaussian();
                norm += direction[i] * direction[i];
            }
        }

        norm = Math.Sqrt(norm);
        for (int i = 0; i < direction.Length; i++)
        {
            direction[i] /= norm;
        }

        return direction;
    }

    private double[] Move(double[] direction)
    {
        var point = new double[Incumbent.Length];
        for (int i = 0; i < point.Length; i++)
        {
            point[i] = Reflect(Incumbent[i] + (Step * direction[i]));
        }


        // An integer coordinate that stays in its bin wastes the trial when nothing continuous moves: push the
        // coordinate with the largest move into the next bin in its direction.
        if (_numeric.All(i => _features[i].Kind == FeatureKind.Integer
            && _features[i].BinOf(point[i]) == _features[i].BinOf(Incumbent[i])) && _numeric.Length > 0)
        {
            int j = _numeric.OrderByDescending(i => Math.Abs(direction[i])).First();
            var info = _features[j];
            int bin = Math.Clamp(info.BinOf(Incumbent[j]) + (direction[j] >= 0 ? 1 : -1), 0, info.Cardinality - 1);
            point[j] = info.BinCentre(bin);
        }

        return point;
    }

    private double[] ChangeOneChoice()
    {
        var point = (double[])Incumbent.Clone();
        int i = _categorical[_random.Next(_categorical.Length)];
        var info = _features[i];
        if (info.Cardinality > 1)
        {
            int current = info.BinOf(point[i]);
            int other = _random.Next(info.Cardinality - 1);
            point[i] = info.BinCentre(other >= current ? other + 1 : other);
        }

        return point;
    }

    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Folds a coordinate back into [0, 1] at the faces it crossed: a step keeps its length, so a thread at a
    /// corner (the all-minimum default) moves inwards instead of being clamped back onto the corner.</summary>
    private static double Reflect(double value)
    {
        double folded = value - (2 * Math.Floor(value / 2));
        return folded > 1 ? 2 - folded : folded;
    }

    private static double[] ProjectToUnitCube(double[] point) => point.Select(v => Math.Clamp(v, 0.0, 1.0)).ToArray();
}
