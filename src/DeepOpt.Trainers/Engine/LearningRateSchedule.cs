// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// The learning rate of each epoch: a linear warm-up from <see cref="DeepTrainerOptions.WarmupStartFactor"/> times the
/// base rate, then the chosen schedule counted from the end of the warm-up. All schedules but reduce-on-plateau are
/// pure functions of the epoch; reduce-on-plateau also reads the monitored value of each finished epoch.
/// </summary>
/// <remarks>
/// With base rate η, schedule epoch t (0 after warm-up) and T = epochs after warm-up:
/// <list type="table">
/// <item><term>Warm-up (epoch e &lt; W)</term><description>η · (s + (1 − s) · e / W)</description></item>
/// <item><term>Step</term><description>η · γ^⌊t / StepSize⌋</description></item>
/// <item><term>MultiStep</term><description>η · γ^(milestones ≤ t)</description></item>
/// <item><term>Exponential</term><description>η · γ^t</description></item>
/// <item><term>Cosine</term><description>η_min + (η − η_min)(1 + cos(π t_cur / T_i)) / 2; T_i = T without restarts, else CosineRestartEpochs · mult^i (SGDR)</description></item>
/// <item><term>LinearDecay</term><description>η · (1 − (1 − end) · t / T)</description></item>
/// <item><term>PiecewiseConstant</term><description>rates[boundaries ≤ t]</description></item>
/// <item><term>ReduceOnPlateau</term><description>max(η_min, rate · factor) after more than Patience epochs without a relative improvement of Threshold, then Cooldown epochs of rest</description></item>
/// </list>
/// </remarks>
public sealed class LearningRateSchedule
{
    private readonly DeepTrainerOptions _options;
    private readonly int _scheduledEpochs;
    private double _plateauRate;
    private double _plateauBest;
    private int _plateauBadEpochs;
    private int _plateauCooldownLeft;

    /// <summary>Creates the schedule of a fit with these options.</summary>
    /// <param name="options">The validated trainer options.</param>
    public LearningRateSchedule(DeepTrainerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _scheduledEpochs = Math.Max(1, options.Epochs - options.WarmupEpochs);
        _plateauRate = options.LearningRate;
        _plateauBest = double.NaN;
    }

    /// <summary>The learning rate of an epoch, counted from 0.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>The rate to use during that epoch.</returns>
    public double RateAt(int epoch)
    {
        double baseRate = _options.LearningRate;
        int warmup = _options.WarmupEpochs;
        if (epoch < warmup)
        {
            double start = _options.WarmupStartFactor;
            return baseRate * (start + ((1 - start) * epoch / warmup));
        }

        int t = epoch - warmup;
        return _options.Schedule switch
        {
            ScheduleKind.Constant => baseRate,
            ScheduleKind.Step => baseRate * Math.Pow(_options.Gamma, t / _options.StepSize),
            ScheduleKind.MultiStep => baseRate * Math.Pow(_options.Gamma, _options.Milestones.Count(m => m <= t)),
            ScheduleKind.Exponential => baseRate * Math.Pow(_options.Gamma, t),
            ScheduleKind.CosineAnnealing => Cosine(t),
            ScheduleKind.LinearDecay => baseRate * (1 - ((1 - _options.LinearEndFactor) * t / _scheduledEpochs)),
            ScheduleKind.PiecewiseConstant => _options.PiecewiseLearningRates[_options.PiecewiseBoundaries.Count(b => b <= t)],
            ScheduleKind.ReduceOnPlateau => _plateauRate,
            _ => throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Schedule), _options.Schedule, $"`Schedule` {_options.Schedule} is not known."),
        };
    }

    /// <summary>
    /// Tells reduce-on-plateau the monitored value of a finished epoch. Warm-up epochs are not counted.
    /// Other schedules ignore it.
    /// </summary>
    /// <param name="epoch">The finished epoch, from 0.</param>
    /// <param name="monitored">The value watched; lower is better (a metric is passed negated).</param>
    public void EndEpoch(int epoch, double monitored)
    {
        if (_options.Schedule != ScheduleKind.ReduceOnPlateau || epoch < _options.WarmupEpochs)
        {
            return;
        }

        if (double.IsNaN(_plateauBest) || monitored < _plateauBest - (Math.Abs(_plateauBest) * _options.PlateauThreshold))
        {
            _plateauBest = monitored;
            _plateauBadEpochs = 0;
        }
        else
        {
            _plateauBadEpochs++;
        }

        if (_plateauCooldownLeft > 0)
        {
            _plateauCooldownLeft--;
            _plateauBadEpochs = 0;
        }

        if (_plateauBadEpochs > _options.PlateauPatience)
        {
            _plateauRate = Math.Max(_options.MinLearningRate, _plateauRate * _options.PlateauFactor);
            _plateauCooldownLeft = _options.PlateauCooldown;
            _plateauBadEpochs = 0;
        }
    }

    private double Cosine(int t)
    {
        double min = _options.MinLearningRate;
        double cycle = _scheduledEpochs;
        double position = t;
        if (_options.CosineRestartEpochs > 0)
        {
            cycle = _options.CosineRestartEpochs;
            while (position >= cycle)
            {
                position -= cycle;
                cycle *= _options.CosineRestartMultiplier;
            }
        }

        return min + ((_options.LearningRate - min) * (1 + Math.Cos(Math.PI * position / cycle)) / 2);
    }
}
