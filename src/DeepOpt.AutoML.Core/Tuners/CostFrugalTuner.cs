// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Cost-frugal search: FLOW2 local search that starts from the search space's default point (the cheap start) and
/// restarts from fresh random points once it converges.
/// </summary>
/// <remarks>
/// <para>
/// After Wu, Wang and Huang, "Frugal Optimization for Cost-related Hyperparameters" (AAAI 2021); the local search is
/// in <c>Flow2</c>. The first trial is the default point (each option's init value, else its lower bound or first
/// candidate); each later proposal is one of the paper's three cases: the opposite of a direction that did not
/// improve, a new random direction, or (for a choice) a different candidate.
/// </para>
/// <list type="table">
/// <listheader><term>rule</term><description>step (Euclidean length in the unit cube, d numeric coordinates)</description></listheader>
/// <item><term>start</term><description>0.2 sqrt(d): about a fifth of each range, so a start at a corner crosses the
/// cube in a few moves</description></item>
/// <item><term>after <c>2d + sum(cardinality - 1)</c> results without improvement</term><description>halved</description></item>
/// <item><term>after two improvements in a row on a first try</term><description>doubled, at most sqrt(d)</description></item>
/// <item><term>below 1e-5 sqrt(d) (or half the narrowest integer bin), or halved 3 times in a row without an
/// improvement (stalled)</term><description>converged: restart at a random point with the start step; the best
/// result so far is kept</description></item>
/// </list>
/// <para>
/// A move that leaves the unit cube is reflected back at the face it crossed rather than clamped onto it, so the step
/// keeps its length and a search that starts at the all-minimum corner (a space without init values) moves inwards.
/// A replayed result of an earlier run (<see cref="Update"/> for a trial this tuner never proposed) advances the
/// search by one move, as if it had proposed the trial: a resumed sweep continues its sequence rather than repeating it.
/// </para>
/// <para>
/// Unlike ML.NET's CFO, the step is scaled by the feature dimension (not the number of top-level keys), a restart
/// never returns to the init point, and a choice is resampled rather than stepped along as if ordered. Failed trials
/// count as no improvement, and so do pruned ones. Proposals and updates cost a few microseconds.
/// </para>
/// <para>
/// Trials running elsewhere (<see cref="ReportPending"/>, another worker's) take the start point and are never proposed
/// again while they run: a proposal equal to a running configuration is replaced by the search's next move, so N
/// workers on one sweep spread around the incumbent instead of repeating each other. A move onto a configuration
/// already evaluated (an integer or choice landing on an earlier trial) costs no trial either: the search takes that
/// configuration's known result for the move and moves on, up to <see cref="MaxMovesPerProposal"/> moves a proposal.
/// </para>
/// <para>
/// A warm start (an earlier sweep's trials, told before the first proposal) moves the start point to the best completed
/// earlier trial: the first proposal re-evaluates it on this sweep's objective, whose losses may differ, and the local
/// search goes on from it with the start step. The other earlier trials are not used: a local search compares only
/// losses measured on one objective.
/// </para>
/// </remarks>
public sealed class CostFrugalTuner : ITuner
{
    private readonly SearchSpace.SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly Random _random;
    private readonly Dictionary<int, double[]> _pending = [];
    private readonly Dictionary<int, string> _running = [];
    private readonly HashSet<int> _known = [];
    private readonly Dictionary<string, double> _evaluated = [];
    private Flow2 _thread;
    private double _warmStartLoss = double.PositiveInfinity;

    /// <summary>Initializes a cost-frugal tuner that starts from the space's default point.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="seed">The seed of the random directions and restarts.</param>
    public CostFrugalTuner(SearchSpace.SearchSpace searchSpace, int seed = 0)
        : this(searchSpace, null, seed)
    {
    }

    /// <summary>Initializes a cost-frugal tuner that starts from a given configuration.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="start">The first configuration to try, or null for the space's default point.</param>
    /// <param name="seed">The seed of the random directions and restarts.</param>
    public CostFrugalTuner(SearchSpace.SearchSpace searchSpace, Parameter? start, int seed = 0)
    {
        _searchSpace = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        _features = searchSpace.Features;
        _random = new Random(seed);
        var startFeatures = start == null ? searchSpace.Default : searchSpace.MappingToFeatureSpace(start);
        _thread = new Flow2(_features, startFeatures, _random);
    }

    /// <summary>Gets how many moves one proposal may make past evaluated or running configurations.</summary>
    public static int MaxMovesPerProposal => 64;

    /// <summary>Gets the lowest loss seen so far, or +infinity before the first successful trial.</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Gets how many times the local search restarted.</summary>
    public int Restarts { get; private set; }

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _known.Add(settings.TrialId);
        var (point, parameter, json) = NextFreshMove();
        _pending[settings.TrialId] = point;
        _running[settings.TrialId] = json;
        return parameter;
    }

    /// <inheritdoc/>
    public void ReportPending(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _known.Add(settings.TrialId);
        _thread.MarkStarted();
        _running[settings.TrialId] = settings.Parameter.ToJson();
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.TrialSettings.IsWarmStart)
        {
            StartAtBestWarmStart(result);
            return;
        }

        int trialId = result.TrialSettings.TrialId;
        _running.Remove(trialId, out string? proposed);
        if (_known.Add(trialId))
        {
            // A replayed result of an earlier run of the sweep: the search moves on as if it had proposed the trial
            // itself, so a resumed sweep continues its sequence instead of starting it again (with the same seed, the
            // very moves an uninterrupted run makes).
            (_pending[trialId], _, proposed) = NextFreshMove();
        }

        string ran = result.TrialSettings.Parameter.ToJson();
        if (!_pending.Remove(trialId, out var point) || proposed != ran)
        {
            // A trial this tuner did not propose, or whose configuration the experiment replaced (a repeat): the
            // result belongs to the configuration that ran.
            point = _searchSpace.MappingToFeatureSpace(result.TrialSettings.Parameter);
        }

        if (result.IsCanceled)
        {
            return;
        }

        // A pruned trial was stopped for being worse than its peers: no improvement, like a failure.
        double loss = result.IsFailed || result.IsPruned ? double.NaN : result.Loss;
        if (!double.IsNaN(loss) && loss < BestLoss)
        {
            BestLoss = loss;
        }

        _evaluated[ran] = loss;
        _thread.Report(point, loss);
    }

    /// <summary>
    /// Takes an earlier sweep's trial (a warm start): until this sweep's first trial, the best completed one becomes the
    /// start point, so the search begins by evaluating it on this sweep's objective and moves on from there. Its loss
    /// is not this sweep's, so it is neither the incumbent's loss nor an evaluated configuration.
    /// </summary>
    private void StartAtBestWarmStart(TrialResult result)
    {
        if (_known.Count > 0 || result.State != TrialState.Completed || !(result.Loss < _warmStartLoss))
        {
            return;
        }

        _warmStartLoss = result.Loss;
        _thread = new Flow2(_features, _searchSpace.MappingToFeatureSpace(result.TrialSettings.Parameter), _random);
    }

    /// <summary>The search's next move that is neither evaluated nor running, within <see cref="MaxMovesPerProposal"/>
    /// moves.</summary>
    /// <remarks>A move onto an evaluated configuration (an integer or a choice lands where an earlier trial was) costs
    /// no trial: the search takes that configuration's known result as the move's and moves again, so its counters,
    /// step and restarts advance as if it had run. A move onto a running configuration is skipped.</remarks>
    private (double[] Point, Parameter Parameter, string Json) NextFreshMove()
    {
        var point = NextPoint();
        var parameter = _searchSpace.SampleFromFeatureSpace(point);
        string json = parameter.ToJson();
        for (int move = 1; move < MaxMovesPerProposal; move++)
        {
            if (_evaluated.TryGetValue(json, out double known))
            {
                _thread.Report(point, known);
            }
            else if (!_running.ContainsValue(json))
            {
                break;
            }

            point = NextPoint();
            parameter = _searchSpace.SampleFromFeatureSpace(point);
            json = parameter.ToJson();
        }

        return (point, parameter, json);
    }

    /// <summary>The search's next move, restarting it first when it has converged or stalled.</summary>
    private double[] NextPoint()
    {
        if (_thread.Converged)
        {
            Restart();
        }

        return _thread.Propose();
    }

    private void Restart()
    {
        var start = new double[_features.Count];
        for (int i = 0; i < start.Length; i++)
        {
            start[i] = _features[i].Kind == FeatureKind.Continuous
                ? _random.NextDouble()
                : _features[i].BinCentre(_random.Next(_features[i].Cardinality));
        }

        _thread = new Flow2(_features, start, _random);
        Restarts++;
    }
}
