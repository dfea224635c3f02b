// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <content>The default value of each shared option, written once, for the options and the search spaces alike.</content>
public abstract partial class DeepTrainerOptions
{
    /// <summary>The default value of each shared option, written once.</summary>
    public static class Defaults
    {
        /// <summary>Default of <see cref="LabelColumnName"/>.</summary>
        public const string LabelColumnName = "Label";
        /// <summary>Default of <see cref="FeatureColumnName"/>.</summary>
        public const string FeatureColumnName = "Features";
        /// <summary>Default of <see cref="Optimizer"/>.</summary>
        public const OptimizerKind Optimizer = OptimizerKind.Adam;
        /// <summary>Default of <see cref="LearningRate"/>.</summary>
        public const double LearningRate = 1e-3;
        /// <summary>Default of <see cref="Momentum"/>.</summary>
        public const double Momentum = 0.9;
        /// <summary>Default of <see cref="Beta1"/>.</summary>
        public const double Beta1 = 0.9;
        /// <summary>Default of <see cref="Beta2"/>.</summary>
        public const double Beta2 = 0.999;
        /// <summary>Default of <see cref="Epsilon"/>.</summary>
        public const double Epsilon = 1e-8;
        /// <summary>Default of <see cref="RmsPropAlpha"/>.</summary>
        public const double RmsPropAlpha = 0.99;
        /// <summary>Default of <see cref="WeightDecay"/>.</summary>
        public const double WeightDecay = 0;
        /// <summary>Default of <see cref="L1Penalty"/>.</summary>
        public const double L1Penalty = 0;
        /// <summary>Default of <see cref="Schedule"/>.</summary>
        public const ScheduleKind Schedule = ScheduleKind.Constant;
        /// <summary>Default of <see cref="StepSize"/>.</summary>
        public const int StepSize = 10;
        /// <summary>Default of <see cref="Gamma"/>.</summary>
        public const double Gamma = 0.1;
        /// <summary>Default of <see cref="MinLearningRate"/>.</summary>
        public const double MinLearningRate = 0;
        /// <summary>Default of <see cref="CosineRestartEpochs"/>.</summary>
        public const int CosineRestartEpochs = 0;
        /// <summary>Default of <see cref="CosineRestartMultiplier"/>.</summary>
        public const int CosineRestartMultiplier = 1;
        /// <summary>Default of <see cref="LinearEndFactor"/>.</summary>
        public const double LinearEndFactor = 0;
        /// <summary>Default of <see cref="PlateauMonitor"/>.</summary>
        public const MonitorKind PlateauMonitor = MonitorKind.ValidationLoss;
        /// <summary>Default of <see cref="PlateauFactor"/>.</summary>
        public const double PlateauFactor = 0.1;
        /// <summary>Default of <see cref="PlateauPatience"/>.</summary>
        public const int PlateauPatience = 5;
        /// <summary>Default of <see cref="PlateauCooldown"/>.</summary>
        public const int PlateauCooldown = 0;
        /// <summary>Default of <see cref="PlateauThreshold"/>.</summary>
        public const double PlateauThreshold = 1e-4;
        /// <summary>Default of <see cref="WarmupEpochs"/>.</summary>
        public const int WarmupEpochs = 0;
        /// <summary>Default of <see cref="WarmupStartFactor"/>.</summary>
        public const double WarmupStartFactor = 0.1;
        /// <summary>Default of <see cref="GradientClipNorm"/>.</summary>
        public const double GradientClipNorm = 0;
        /// <summary>Default of <see cref="GradientClipValue"/>.</summary>
        public const double GradientClipValue = 0;
        /// <summary>Default of <see cref="EarlyStoppingPatience"/>.</summary>
        public const int EarlyStoppingPatience = 0;
        /// <summary>Default of <see cref="EarlyStoppingMinDelta"/>.</summary>
        public const double EarlyStoppingMinDelta = 0;
        /// <summary>Default of <see cref="EarlyStoppingMonitor"/>.</summary>
        public const MonitorKind EarlyStoppingMonitor = MonitorKind.ValidationLoss;
        /// <summary>Default of <see cref="RestoreBestWeights"/>.</summary>
        public const bool RestoreBestWeights = true;
        /// <summary>Default of <see cref="LabelSmoothing"/>.</summary>
        public const double LabelSmoothing = 0;
        /// <summary>Default of <see cref="BalanceClassWeights"/>.</summary>
        public const bool BalanceClassWeights = false;
        /// <summary>Default of <see cref="HuberDelta"/>.</summary>
        public const double HuberDelta = 1.0;
        /// <summary>Default of <see cref="Activation"/>.</summary>
        public const ActivationKind Activation = ActivationKind.Relu;
        /// <summary>Default of <see cref="LeakyReluSlope"/>.</summary>
        public const double LeakyReluSlope = 0.01;
        /// <summary>Default of <see cref="WeightInit"/>.</summary>
        public const WeightInitKind WeightInit = WeightInitKind.Default;
        /// <summary>Default of <see cref="BatchSize"/>.</summary>
        public const int BatchSize = 32;
        /// <summary>Default of <see cref="Epochs"/>.</summary>
        public const int Epochs = 10;
        /// <summary>Default of <see cref="Replicas"/>.</summary>
        public const int Replicas = 1;
        /// <summary>Default of <see cref="ValidationFraction"/>.</summary>
        public const double ValidationFraction = 0;
        /// <summary>Default of <see cref="DistillationTemperature"/>.</summary>
        public const double DistillationTemperature = 4;
        /// <summary>Default of <see cref="DistillationAlpha"/>.</summary>
        public const double DistillationAlpha = 0.5;
        /// <summary>Default of <see cref="FreezeBlocks"/>.</summary>
        public const int FreezeBlocks = 0;
        /// <summary>Default of <see cref="FreezeAllButHead"/>.</summary>
        public const bool FreezeAllButHead = false;
        /// <summary>Default of <see cref="PretrainedLearningRateFactor"/>.</summary>
        public const double PretrainedLearningRateFactor = 1;
        /// <summary>Default of <see cref="UnfreezeEveryEpochs"/>.</summary>
        public const int UnfreezeEveryEpochs = 0;
        /// <summary>Default of <see cref="UpdateBatchNormStatistics"/>.</summary>
        public const bool UpdateBatchNormStatistics = true;
    }
}
