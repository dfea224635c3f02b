// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Tuners;

/// <summary>
/// Chooses among alternative search spaces (pipelines), spending each trial where the estimated cost for improvement
/// (ECI) is lowest, and tunes inside each pipeline with its own tuner.
/// </summary>
/// <remarks>
/// <para>
/// A proposal is a nested parameter with the chosen pipeline's name under <see cref="PipelineKey"/> and that
/// pipeline's configuration under the name: <c>{ "_pipeline_": "lgbm", "lgbm": { ... } }</c>. Every pipeline is
/// tried once first, in an order drawn from the seed.
/// </para>
/// <para>
/// After that, pipeline p gets the next trial with probability proportional to 1 / ECI(p), where, with costs taken from
/// <see cref="TrialResult.DurationInMilliseconds"/> (a duration of 0 counts as a tiny positive cost, never as a failure):
/// </para>
/// <list type="bullet">
/// <item><description>its own cost to improve is max(cost of its last improvement, cost spent since then): an
/// improvement will take at least as long as the last one did, and at least as long as it has been waiting;</description></item>
/// <item><description>a pipeline behind the overall best must also close the gap: (its best loss - the overall best) /
/// its rate of improvement so far (loss gained per unit cost); ECI is the larger of the two.</description></item>
/// </list>
/// <para>
/// A pipeline whose tuner proposes only configurations that pipeline has already evaluated gives the trial to another
/// pipeline with a fresh one, so a sweep never repeats itself while any pipeline has unevaluated configurations. A
/// tuner asked for a trial that then runs elsewhere hears of it as a canceled trial.
/// </para>
/// <para>This is the idea of FLAML's learner selection (Wang et al., "FLAML", MLSys 2021), written from the paper.</para>
/// </remarks>
public sealed class EciTuner : ITuner
{
    /// <summary>The key that names the chosen pipeline in a proposal.</summary>
    public const string PipelineKey = "_pipeline_";

    private const double MinCost = 1e-3;

    private readonly string[] _names;
    private readonly Dictionary<string, ITuner> _tuners = [];
    private readonly Dictionary<string, PipelineStats> _stats = [];
    private readonly Dictionary<int, string> _pending = [];
    private readonly Dictionary<int, Parameter> _innerProposals = [];
    private readonly Dictionary<string, HashSet<string>> _evaluated = [];
    private readonly List<string> _untried;
    private readonly Random _random;

    /// <summary>Initializes an ECI chooser whose pipelines are tuned by <see cref="CostFrugalTuner"/>.</summary>
    /// <param name="pipelines">The alternative search spaces, by name; at least one.</param>
    /// <param name="seed">The seed of the choices and of the inner tuners.</param>
    public EciTuner(IReadOnlyDictionary<string, SearchSpace.SearchSpace> pipelines, int seed = 0)
        : this(pipelines, (space, s) => new CostFrugalTuner(space, s), seed)
    {
    }

    /// <summary>Initializes an ECI chooser with a given tuner per pipeline.</summary>
    /// <param name="pipelines">The alternative search spaces, by name; at least one.</param>
    /// <param name="tunerFactory">Creates the tuner of one pipeline from its space and a seed.</param>
    /// <param name="seed">The seed of the choices and of the inner tuners.</param>
    public EciTuner(
        IReadOnlyDictionary<string, SearchSpace.SearchSpace> pipelines,
        Func<SearchSpace.SearchSpace, int, ITuner> tunerFactory,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(tunerFactory);
        if (pipelines.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pipelines), "ECI needs at least one pipeline, but got none.");
        }

        _random = new Random(seed);
        _names = pipelines.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        for (int i = 0; i < _names.Length; i++)
        {
            _tuners[_names[i]] = tunerFactory(pipelines[_names[i]], unchecked((seed * 31) + i));
            _stats[_names[i]] = new PipelineStats();
            _evaluated[_names[i]] = [];
        }

        _untried = [.. _names.OrderBy(_ => _random.Next())];
    }

    /// <summary>Gets how many trials each pipeline has had, by name.</summary>
    public IReadOnlyDictionary<string, int> TrialCounts => _stats.ToDictionary(kv => kv.Key, kv => kv.Value.Trials);

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string name = _untried.Count > 0 ? _untried[0] : Choose();
        _untried.Remove(name);
        var inner = new TrialSettings
        {
            TrialId = settings.TrialId,
            StartedAtUtc = settings.StartedAtUtc,
            Parameter = Parameter.CreateNestedParameter(),
        };

        // Asked again for the same trial (the experiment found a repeat): the pipeline asked before lets it go.
        Release(settings.TrialId);
        var proposal = _tuners[name].Propose(inner);
        if (_evaluated[name].Contains(proposal.ToJson()))
        {
            // This pipeline's tuner has nothing new: another pipeline's fresh configuration, if one has any.
            foreach (string other in _names.Where(n => n != name))
            {
                var candidate = _tuners[other].Propose(inner);
                if (!_evaluated[other].Contains(candidate.ToJson()))
                {
                    Release(settings.TrialId, name, proposal);
                    (name, proposal) = (other, candidate);
                    break;
                }

                Release(settings.TrialId, other, candidate);
            }
        }

        _pending[settings.TrialId] = name;
        _innerProposals[settings.TrialId] = proposal;
        var parameter = Parameter.CreateNestedParameter();
        parameter[PipelineKey] = Parameter.FromString(name);
        parameter[name] = proposal;
        return parameter;
    }

    /// <inheritdoc/>
    public void ReportPending(TrialSettings settings)
    {
        // Another worker tries this pipeline: it is not untried any more, and its tuner hears about the point.
        ArgumentNullException.ThrowIfNull(settings);
        string name = settings.Parameter[PipelineKey].AsType<string>();
        _pending[settings.TrialId] = name;
        _untried.Remove(name);
        _tuners[name].ReportPending(new TrialSettings
        {
            TrialId = settings.TrialId,
            StartedAtUtc = settings.StartedAtUtc,
            Parameter = settings.Parameter[name],
        });
    }

    /// <inheritdoc/>
    /// <remarks>An earlier sweep's trial (a warm start) goes to its pipeline's tuner only: the choice among pipelines
    /// weighs this sweep's costs and losses, so every pipeline is still tried once first.</remarks>
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var parameter = result.TrialSettings.Parameter;
        if (result.TrialSettings.IsWarmStart)
        {
            string pipeline = parameter[PipelineKey].AsType<string>();
            _tuners.GetValueOrDefault(pipeline)?.Update(Inner(result, pipeline));
            return;
        }

        _innerProposals.Remove(result.TrialSettings.TrialId);
        if (!_pending.Remove(result.TrialSettings.TrialId, out var name))
        {
            name = parameter[PipelineKey].AsType<string>();
        }

        _untried.Remove(name);
        _tuners[name].Update(Inner(result, name));
        if (result.IsCanceled)
        {
            return;
        }

        _evaluated[name].Add(parameter[name].ToJson());

        // A pruned trial spent its cost without a final result: it never counts as an improvement.
        _stats[name].Add(Math.Max(MinCost, result.DurationInMilliseconds), result.IsFailed || result.IsPruned ? double.NaN : result.Loss);
    }

    /// <summary>The result as the pipeline's tuner sees it: its own part of the configuration.</summary>
    private static TrialResult Inner(TrialResult result, string name) => result with
    {
        TrialSettings = new TrialSettings
        {
            TrialId = result.TrialSettings.TrialId,
            StartedAtUtc = result.TrialSettings.StartedAtUtc,
            EndedAtUtc = result.TrialSettings.EndedAtUtc,
            Parameter = result.TrialSettings.Parameter[name],
        },
        Model = null,
    };

    /// <summary>Frees a trial's place in the pipeline tuner that proposed for it, when it will not run there: a
    /// canceled result, which tuners read as neither a loss nor a failure.</summary>
    private void Release(int trialId)
    {
        if (_pending.Remove(trialId, out var name) && _innerProposals.Remove(trialId, out var proposal))
        {
            Release(trialId, name, proposal);
        }
    }

    private void Release(int trialId, string name, Parameter proposal) => _tuners[name].Update(new TrialResult
    {
        TrialSettings = new TrialSettings { TrialId = trialId, Parameter = proposal },
        Loss = double.NaN,
        Metric = double.NaN,
        State = TrialState.Canceled,
    });

    private string Choose()
    {
        double globalBest = _stats.Values.Min(s => s.BestLoss);
        var weights = _names.Select(n => 1 / _stats[n].EstimatedCostForImprovement(globalBest)).ToArray();
        double total = weights.Sum();
        double u = _random.NextDouble() * total;
        for (int i = 0; i < _names.Length; i++)
        {
            u -= weights[i];
            if (u <= 0)
            {
                return _names[i];
            }
        }

        return _names[^1];
    }

    /// <summary>What ECI needs to know about one pipeline's history.</summary>
    private sealed class PipelineStats
    {
        private double _firstLoss = double.NaN;
        private double _costAtLastImprovement;
        private double _costOfLastImprovement;

        public int Trials { get; private set; }

        public double TotalCost { get; private set; }

        public double BestLoss { get; private set; } = double.PositiveInfinity;

        public void Add(double cost, double loss)
        {
            Trials++;
            TotalCost += cost;
            if (double.IsNaN(loss) || loss >= BestLoss)
            {
                return;
            }

            if (double.IsNaN(_firstLoss))
            {
                _firstLoss = loss;
            }

            _costOfLastImprovement = TotalCost - _costAtLastImprovement;
            _costAtLastImprovement = TotalCost;
            BestLoss = loss;
        }

        public double EstimatedCostForImprovement(double globalBest)
        {
            double sinceImprovement = TotalCost - _costAtLastImprovement;
            double own = Math.Max(Math.Max(_costOfLastImprovement, sinceImprovement), MinCost);
            if (double.IsPositiveInfinity(BestLoss))
            {
                // Nothing succeeded yet: it must at least repeat all it has spent.
                return Math.Max(own, TotalCost);
            }

            if (BestLoss <= globalBest)
            {
                return own;
            }

            double gained = _firstLoss - BestLoss;
            double rate = gained > 0 ? gained / TotalCost : 0;
            double gap = rate > 0 ? (BestLoss - globalBest) / rate : TotalCost * 10;
            return Math.Max(own, gap);
        }
    }
}
