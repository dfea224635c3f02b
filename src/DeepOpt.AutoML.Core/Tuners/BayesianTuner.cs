// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Bayesian optimisation: a Gaussian-process surrogate of the loss with expected improvement, optimised by a blend of
/// global samples and local moves around the best trials.
/// </summary>
/// <remarks>
/// <para>
/// The first trials are a Latin-hypercube design (d + 3 of them, between 5 and 10, for d coordinates); with
/// <c>startAtDefault</c>, the search space's default point (its init values) takes the design's first slot, as SMAC's
/// initial design includes the default configuration. After that each
/// proposal maximises the log of expected improvement under a Matérn-5/2 Gaussian process fitted to every successful
/// trial. The incumbent is the lowest <see cref="TrialResult.Loss"/>.
/// </para>
/// <list type="bullet">
/// <item><description>Inputs: a numeric coordinate is one input with its own length scale; a choice is one-hot encoded
/// with one length scale for all its columns, so the order of candidates means nothing; an integer coordinate is
/// snapped to the centre of its bin before it is proposed.</description></item>
/// <item><description>Outputs: losses are log-warped, log(loss - min + c) with c the gap between the median and the
/// best loss, then standardised, so that a few huge losses do not flatten the model where the good ones are, while
/// the better half keeps its shape.</description></item>
/// <item><description>Search: two proposals in three maximise expected improvement over the whole cube (random points
/// plus moves around the best trials and around the best trial of each choice candidate); every third maximises it
/// within a trust region around the incumbent whose radius grows on success and shrinks on failure.</description></item>
/// <item><description>Hyperparameters: length scales and noise by maximum marginal likelihood, refitted at every trial
/// while few trials are in, then every tenth of the trial count; between refits only the factorisation is
/// updated.</description></item>
/// <item><description>Failed trials stay out of the model but are remembered: neither they nor any finished trial are
/// proposed again. Pruned trials enter the model with their last reported value (a pessimistic bound on their
/// final loss) and never move the trust region.</description></item>
/// <item><description>Running trials (its own, and other workers' told through <see cref="ReportPending"/>): a
/// constant liar. Each enters the model with the worst loss seen so far until its result comes, so expected
/// improvement collapses around it and parallel proposals spread out; it is never proposed again. During the initial
/// design, a trial the tuner did not propose takes the next design point.</description></item>
/// <item><description>Warm-start trials (an earlier sweep's, told before the first proposal) enter the model like
/// replayed ones and fill slots of the initial design, so a warm start of at least as many trials as the design has
/// begins with model-based proposals. Their configurations are not proposed again.</description></item>
/// </list>
/// </remarks>
public sealed class BayesianTuner : ITuner
{
    private const int RandomCandidates = 100;
    private const int LocalCandidates = 160;
    private const int RefineRounds = 4;
    private const int RefineBatch = 8;
    private const int LocalPeriod = 3;
    private const double ChoiceResampleProbability = 0.1;

    private readonly SearchSpace.SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly Random _random;
    private readonly GaussianProcess _model;
    private readonly int _initialTrials;
    private readonly GaussianInputs _inputs;
    private readonly List<double[]> _points = [];
    private readonly List<double> _losses = [];
    private readonly HashSet<string> _seen = [];
    private readonly Dictionary<int, (double[] Point, bool Local)> _pending = [];
    private readonly TrustRegion _trustRegion;
    private readonly CandidateSampler _sampler;
    private readonly double[][] _design;
    private int _proposed;
    private int _finished;
    private int _countAtLastFit = -1;

    /// <summary>Initializes a Bayesian tuner.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="seed">The seed of the initial design and the candidate sampling.</param>
    /// <param name="startAtDefault">
    /// Whether the first trial is the search space's default point. Worth it when the init values are a cheap, sound
    /// start, as in DeepOpt's own spaces: a random first design can otherwise spend a short budget on a few huge trials.
    /// </param>
    public BayesianTuner(SearchSpace.SearchSpace searchSpace, int seed = 0, bool startAtDefault = false)
    {
        _searchSpace = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        _features = searchSpace.Features;
        _random = new Random(seed);
        _sampler = new CandidateSampler(_features, _random, ChoiceResampleProbability);
        int d = _features.Count;
        _initialTrials = Math.Clamp(d + 3, 5, 10);
        _design = _sampler.LatinHypercube(_initialTrials);
        if (startAtDefault && d > 0)
        {
            _design[0] = [.. searchSpace.Default];
        }

        _trustRegion = new TrustRegion(d);
        _inputs = new GaussianInputs(_features);
        _model = _inputs.NewModel();
    }

    /// <summary>
    /// Gets how many times the Gaussian process's hyperparameters were refitted so far: a proposal that refits costs
    /// more than one that only updates the model, so a benchmark can time those trials apart.
    /// </summary>
    public int RefitCount { get; private set; }

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_features.Count == 0)
        {
            // An empty space has one configuration: nothing to model.
            _pending[settings.TrialId] = ([], false);
            return _searchSpace.SampleFromFeatureSpace([]);
        }

        // Replayed results (a resumed run) count towards the initial design.
        bool initial = _finished + _pending.Count < _initialTrials || _losses.Count < 2;
        bool local = !initial && (_proposed % LocalPeriod) == LocalPeriod - 1;
        IEnumerable<double[]> ranked = initial
            ? [_proposed < _design.Length ? _design[_proposed] : _sampler.RandomPoint()]
            : MaximiseExpectedImprovement(local);
        _proposed++;

        // The best-ranked point that was never tried (nor failed); random points if the ranking holds none.
        var fallback = Enumerable.Range(0, 200).Select(_ => _sampler.RandomPoint());
        double[]? point = null;
        Parameter? parameter = null;
        foreach (var candidate in ranked.Concat(fallback))
        {
            var sampled = _searchSpace.SampleFromFeatureSpace(candidate);
            point ??= candidate;
            parameter ??= sampled;
            if (_seen.Add(sampled.ToJson()))
            {
                (point, parameter) = (candidate, sampled);
                break;
            }
        }

        _pending[settings.TrialId] = (point!, local);
        return parameter!;
    }

    /// <inheritdoc/>
    public void ReportPending(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_features.Count == 0 || _pending.ContainsKey(settings.TrialId))
        {
            return;
        }

        _pending[settings.TrialId] = (Foreign(settings.Parameter), false);
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!_pending.Remove(result.TrialSettings.TrialId, out var pending)
            || _searchSpace.SampleFromFeatureSpace(pending.Point).ToJson() != result.TrialSettings.Parameter.ToJson())
        {
            // Not proposed here, or replaced by the experiment (a repeat): the result belongs to what ran.
            pending = (Foreign(result.TrialSettings.Parameter), false);
        }

        _finished++;
        if (result.IsCanceled)
        {
            return;
        }

        // A pruned trial's last value is a pessimistic bound on where it would have ended: the model learns from it,
        // but it never counts as an improvement of the incumbent.
        bool improved = !result.IsFailed && !result.IsPruned && (_losses.Count == 0 || result.Loss < _losses.Min());
        if (pending.Local)
        {
            _trustRegion.Report(improved);
        }

        if (!result.IsFailed)
        {
            _points.Add(pending.Point);
            _losses.Add(result.Loss);
        }
    }

    /// <summary>The point of a trial this tuner did not propose; it is marked tried and takes a design slot.</summary>
    private double[] Foreign(Parameter parameter)
    {
        var point = _sampler.Snap(_searchSpace.MappingToFeatureSpace(parameter));
        _seen.Add(_searchSpace.SampleFromFeatureSpace(point).ToJson());
        _proposed++;
        return point;
    }

    private IEnumerable<double[]> MaximiseExpectedImprovement(bool local)
    {
        FitModel(out double bestZ);
        int bestIndex = _losses.IndexOf(_losses.Min());
        var centres = LocalCentres();

        var candidates = new double[RandomCandidates + LocalCandidates][];
        for (int c = 0; c < candidates.Length; c++)
        {
            if (local)
            {
                // Exploitation: only moves within the trust region around the incumbent.
                double scale = _trustRegion.Radius * Math.Pow(0.3, _random.Next(3));
                candidates[c] = _sampler.Perturb(_points[bestIndex], scale);
            }
            else if (c < RandomCandidates)
            {
                candidates[c] = _sampler.RandomPoint();
            }
            else
            {
                int centre = _random.NextDouble() < 0.5 ? bestIndex : centres[_random.Next(centres.Length)];
                double scale = 0.2 * Math.Pow(0.2, _random.Next(5)); // 0.2 down to 3e-4 of the cube
                candidates[c] = _sampler.Perturb(_points[centre], scale);
            }
        }

        var scores = Score(candidates, bestZ);
        int winner = Array.IndexOf(scores, scores.Max());
        var current = candidates[winner];
        double currentScore = scores[winner];

        // Refine the winner with shrinking random moves (a cheap local search on the acquisition).
        double step = local ? _trustRegion.Radius * 0.3 : 0.05;
        var batch = new double[RefineBatch][];
        for (int round = 0; round < RefineRounds; round++)
        {
            for (int b = 0; b < RefineBatch; b++)
            {
                batch[b] = _sampler.Perturb(current, step * Math.Pow(0.3, b % 3));
            }

            var batchScores = Score(batch, bestZ);
            int top = Array.IndexOf(batchScores, batchScores.Max());
            if (batchScores[top] > currentScore)
            {
                current = batch[top];
                currentScore = batchScores[top];
            }
            else
            {
                step *= 0.3;
            }
        }

        // The refined winner first, then every candidate by score, so a repeat can be skipped cheaply.
        return new[] { current }.Concat(Enumerable.Range(0, candidates.Length)
            .OrderByDescending(c => scores[c]).Select(c => candidates[c]));
    }

    /// <summary>The five best trials, and the best trial of each candidate of each choice, so that a choice whose
    /// good region is narrow is refined too rather than judged by its random samples alone.</summary>
    private int[] LocalCentres()
    {
        var order = Enumerable.Range(0, _losses.Count).OrderBy(i => _losses[i]).ToArray();
        var centres = order.Take(5).ToList();
        for (int f = 0; f < _features.Count; f++)
        {
            var info = _features[f];
            if (info.Kind != FeatureKind.Categorical)
            {
                continue;
            }

            for (int bin = 0; bin < info.Cardinality; bin++)
            {
                int best = Array.FindIndex(order, i => info.BinOf(_points[i][f]) == bin);
                best = best < 0 ? -1 : order[best];
                if (best >= 0 && !centres.Contains(best))
                {
                    centres.Add(best);
                }
            }
        }

        return [.. centres];
    }

    private void FitModel(out double bestZ)
    {
        // Constant liar: running trials count as the worst loss so far until their results come.
        int n = _losses.Count;
        double lie = _losses.Max();
        var running = _pending.Values.Where(p => p.Point.Length == _features.Count).Select(p => p.Point).ToList();
        var y = LossWarp.Apply([.. _losses, .. running.Select(_ => lie)]);
        _model.SetData(_points.Concat(running).Select(_inputs.Encode).ToArray(), y);
        bool refit = _countAtLastFit < 0 || n <= 30 || n - _countAtLastFit >= Math.Max(1, n / 10);
        if (refit)
        {
            _model.FitHyperparameters(_countAtLastFit < 0 ? [1.0, 0.5, 0.25] : [0.5, 0.25]);
            _countAtLastFit = n;
            RefitCount++;
        }
        else
        {
            _model.Factorize();
        }

        bestZ = y.Min();
    }

    private double[] Score(double[][] candidates, double bestZ)
    {
        var encoded = candidates.Select(_inputs.Encode).ToArray();
        var mean = new double[candidates.Length];
        var variance = new double[candidates.Length];
        _model.Predict(encoded, mean, variance);
        var scores = new double[candidates.Length];
        for (int c = 0; c < candidates.Length; c++)
        {
            double sigma = Math.Sqrt(variance[c]);
            scores[c] = Math.Log(sigma) + NormalDistribution.LogExpectedImprovement((bestZ - mean[c]) / sigma);
        }

        return scores;
    }
}
