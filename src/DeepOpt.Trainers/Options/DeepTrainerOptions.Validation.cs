// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <content>The checks of the shared options, run before training starts.</content>
public abstract partial class DeepTrainerOptions
{
    /// <summary>Checks every option and throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one and its
    /// fix. The trainer checks its <see cref="DeepFitContext"/> with the options as well (validation data for early
    /// stopping, a live teacher).</summary>
    public virtual void Validate()
    {
        OptionChecks.NotEmpty(LabelColumnName, nameof(LabelColumnName));
        OptionChecks.NotEmpty(FeatureColumnName, nameof(FeatureColumnName));
        OptionChecks.Positive(LearningRate, nameof(LearningRate));
        OptionChecks.InRange(Momentum, 0, 1, nameof(Momentum));
        if (Optimizer == OptimizerKind.Nesterov && Momentum == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, $"`{nameof(Momentum)}` must be greater than 0 for Nesterov, but got 0. Set it to 0.9 or choose `OptimizerKind.Sgd`.");
        }

        OptionChecks.InRange(Beta1, 0, 1, nameof(Beta1));
        OptionChecks.InRange(Beta2, 0, 1, nameof(Beta2));
        OptionChecks.Positive(Epsilon, nameof(Epsilon));
        OptionChecks.InRange(RmsPropAlpha, 0, 1, nameof(RmsPropAlpha));
        OptionChecks.NotNegative(WeightDecay, nameof(WeightDecay));
        OptionChecks.NotNegative(L1Penalty, nameof(L1Penalty));
        OptionChecks.AtLeast(StepSize, 1, nameof(StepSize));
        if (!(Gamma > 0 && Gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, $"`{nameof(Gamma)}` must be in (0, 1], but got {Gamma}.");
        }

        OptionChecks.Increasing(Milestones, nameof(Milestones));
        if (Schedule == ScheduleKind.MultiStep && Milestones.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Milestones), $"`{nameof(Milestones)}` is empty, but the MultiStep schedule needs at least one epoch. Set it, for example to [10, 20].");
        }

        OptionChecks.NotNegative(MinLearningRate, nameof(MinLearningRate));
        if (MinLearningRate >= LearningRate && (Schedule == ScheduleKind.CosineAnnealing || Schedule == ScheduleKind.ReduceOnPlateau))
        {
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), MinLearningRate, $"`{nameof(MinLearningRate)}` must be below `{nameof(LearningRate)}` ({LearningRate}), but got {MinLearningRate}.");
        }

        OptionChecks.AtLeast(CosineRestartEpochs, 0, nameof(CosineRestartEpochs));
        OptionChecks.AtLeast(CosineRestartMultiplier, 1, nameof(CosineRestartMultiplier));
        OptionChecks.InClosedRange(LinearEndFactor, 0, 1, nameof(LinearEndFactor));
        OptionChecks.Increasing(PiecewiseBoundaries, nameof(PiecewiseBoundaries));
        if (Schedule == ScheduleKind.PiecewiseConstant && PiecewiseLearningRates.Length != PiecewiseBoundaries.Length + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PiecewiseLearningRates), $"`{nameof(PiecewiseLearningRates)}` must have one more entry than `{nameof(PiecewiseBoundaries)}` ({PiecewiseBoundaries.Length}), but has {PiecewiseLearningRates.Length}.");
        }

        foreach (var rate in PiecewiseLearningRates)
        {
            OptionChecks.Positive(rate, nameof(PiecewiseLearningRates));
        }

        if (!(PlateauFactor > 0 && PlateauFactor < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(PlateauFactor), PlateauFactor, $"`{nameof(PlateauFactor)}` must be in (0, 1), but got {PlateauFactor}.");
        }

        OptionChecks.AtLeast(PlateauPatience, 0, nameof(PlateauPatience));
        OptionChecks.AtLeast(PlateauCooldown, 0, nameof(PlateauCooldown));
        OptionChecks.NotNegative(PlateauThreshold, nameof(PlateauThreshold));
        OptionChecks.AtLeast(Epochs, 1, nameof(Epochs));
        OptionChecks.AtLeast(WarmupEpochs, 0, nameof(WarmupEpochs));
        if (WarmupEpochs >= Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(WarmupEpochs), WarmupEpochs, $"`{nameof(WarmupEpochs)}` must be fewer than `{nameof(Epochs)}` ({Epochs}), but got {WarmupEpochs}.");
        }

        if (!(WarmupStartFactor > 0 && WarmupStartFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(WarmupStartFactor), WarmupStartFactor, $"`{nameof(WarmupStartFactor)}` must be in (0, 1], but got {WarmupStartFactor}.");
        }

        OptionChecks.NotNegative(GradientClipNorm, nameof(GradientClipNorm));
        OptionChecks.NotNegative(GradientClipValue, nameof(GradientClipValue));
        OptionChecks.AtLeast(EarlyStoppingPatience, 0, nameof(EarlyStoppingPatience));
        OptionChecks.NotNegative(EarlyStoppingMinDelta, nameof(EarlyStoppingMinDelta));
        OptionChecks.InRange(LabelSmoothing, 0, 1, nameof(LabelSmoothing));
        if (ClassWeights != null)
        {
            if (BalanceClassWeights)
            {
                throw new ArgumentOutOfRangeException(nameof(ClassWeights), $"`{nameof(ClassWeights)}` and `{nameof(BalanceClassWeights)}` cannot both be set. Keep one of them.");
            }

            foreach (var weight in ClassWeights)
            {
                OptionChecks.Positive(weight, nameof(ClassWeights));
            }
        }

        OptionChecks.Positive(HuberDelta, nameof(HuberDelta));
        OptionChecks.NotNegative(LeakyReluSlope, nameof(LeakyReluSlope));
        OptionChecks.AtLeast(BatchSize, 1, nameof(BatchSize));
        if (NetworkDesign.Of(this).UsesBatchNorm && BatchSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"`{nameof(BatchSize)}` must be at least 2 with batch norm, but got {BatchSize}: batch norm cannot normalise a batch of one row. Set `{nameof(BatchSize)}` to 2 or more, or `BatchNorm` = false.");
        }
        OptionChecks.AtLeast(Replicas, 1, nameof(Replicas));
        int rowsPerReplica = NetworkDesign.Of(this).UsesBatchNorm ? 2 : 1;
        if (BatchSize < Replicas * rowsPerReplica)
        {
            throw new ArgumentOutOfRangeException(nameof(Replicas), Replicas, $"`{nameof(Replicas)}` ({Replicas}) needs a `{nameof(BatchSize)}` of at least {Replicas * rowsPerReplica}{(rowsPerReplica == 2 ? " with batch norm (2 rows per replica)" : " (a row per replica)")}, but `{nameof(BatchSize)}` is {BatchSize}. Raise `{nameof(BatchSize)}` or lower `{nameof(Replicas)}`.");
        }

        OptionChecks.InRange(ValidationFraction, 0, 1, nameof(ValidationFraction));
        OptionChecks.Positive(DistillationTemperature, nameof(DistillationTemperature));
        OptionChecks.InClosedRange(DistillationAlpha, 0, 1, nameof(DistillationAlpha));
        ValidateFineTuning();
        if (ThreadCount.HasValue)
        {
            OptionChecks.AtLeast(ThreadCount.Value, 1, nameof(ThreadCount));
        }

        Devices.Check(Device);
    }
}
