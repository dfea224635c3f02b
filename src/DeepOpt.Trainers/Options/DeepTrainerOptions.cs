// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// The options every DeepOpt trainer shares: columns, optimizer, learning-rate schedule, regularization, loss,
/// initialisation, batches and epochs. They are plain data, so a tuner can set them and a user can serialise them.
/// </summary>
[JsonDerivedType(typeof(MlpOptions), "mlp")]
[JsonDerivedType(typeof(CnnOptions), "cnn")]
[JsonDerivedType(typeof(LstmOptions), "lstm")]
public abstract class DeepTrainerOptions
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
        /// <summary>Default of <see cref="ValidationFraction"/>.</summary>
        public const double ValidationFraction = 0;
        /// <summary>Default of <see cref="DistillationTemperature"/>.</summary>
        public const double DistillationTemperature = 4;
        /// <summary>Default of <see cref="DistillationAlpha"/>.</summary>
        public const double DistillationAlpha = 0.5;
    }

    /// <summary>The label column.</summary>
    /// <value>A key column for multiclass, <see cref="bool"/> for binary, <see cref="float"/> for regression. Default "Label".</value>
    public string LabelColumnName { get; set; } = Defaults.LabelColumnName;

    /// <summary>The feature column.</summary>
    /// <value>A known-size vector of <see cref="float"/>. Default "Features".</value>
    public string FeatureColumnName { get; set; } = Defaults.FeatureColumnName;

    /// <summary>The optimizer.</summary>
    /// <value>Default <see cref="OptimizerKind.Adam"/>.</value>
    public OptimizerKind Optimizer { get; set; } = Defaults.Optimizer;

    /// <summary>The base learning rate, before warm-up and schedule.</summary>
    /// <value>Greater than 0. Default 1e-3.</value>
    public double LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>Momentum of <see cref="OptimizerKind.Momentum"/> and <see cref="OptimizerKind.Nesterov"/>; other optimizers ignore it.</summary>
    /// <value>In [0, 1); Nesterov needs more than 0. Default 0.9.</value>
    public double Momentum { get; set; } = Defaults.Momentum;

    /// <summary>Decay rate of Adam's and AdamW's first-moment estimate.</summary>
    /// <value>In [0, 1). Default 0.9.</value>
    public double Beta1 { get; set; } = Defaults.Beta1;

    /// <summary>Decay rate of Adam's and AdamW's second-moment estimate.</summary>
    /// <value>In [0, 1). Default 0.999.</value>
    public double Beta2 { get; set; } = Defaults.Beta2;

    /// <summary>The term added to denominators of Adagrad, RMSProp, Adam and AdamW for numerical stability.</summary>
    /// <value>Greater than 0. Default 1e-8.</value>
    public double Epsilon { get; set; } = Defaults.Epsilon;

    /// <summary>Smoothing constant of RMSProp's moving average of squared gradients.</summary>
    /// <value>In [0, 1). Default 0.99.</value>
    public double RmsPropAlpha { get; set; } = Defaults.RmsPropAlpha;

    /// <summary>Weight decay: an L2 term in the gradient, decoupled from it for <see cref="OptimizerKind.AdamW"/>.</summary>
    /// <value>0 or more; 0 turns it off. Default 0.</value>
    public double WeightDecay { get; set; } = Defaults.WeightDecay;

    /// <summary>L1 penalty: this factor times the sum of absolute weights of linear and convolution layers is added to the loss.</summary>
    /// <value>0 or more; 0 turns it off. Default 0.</value>
    public double L1Penalty { get; set; } = Defaults.L1Penalty;

    /// <summary>The learning-rate schedule, applied per epoch after <see cref="WarmupEpochs"/>.</summary>
    /// <value>Default <see cref="ScheduleKind.Constant"/>.</value>
    public ScheduleKind Schedule { get; set; } = Defaults.Schedule;

    /// <summary>Epochs between two reductions of <see cref="ScheduleKind.Step"/>.</summary>
    /// <value>1 or more. Default 10.</value>
    public int StepSize { get; set; } = Defaults.StepSize;

    /// <summary>The factor of <see cref="ScheduleKind.Step"/>, <see cref="ScheduleKind.MultiStep"/> and <see cref="ScheduleKind.Exponential"/>.</summary>
    /// <value>In (0, 1]. Default 0.1.</value>
    public double Gamma { get; set; } = Defaults.Gamma;

    /// <summary>The epochs (counted after warm-up, from 0) at which <see cref="ScheduleKind.MultiStep"/> multiplies the rate by <see cref="Gamma"/>.</summary>
    /// <value>Increasing, 1 or more. Default empty.</value>
    public int[] Milestones { get; set; } = [];

    /// <summary>The lowest rate of <see cref="ScheduleKind.CosineAnnealing"/> and <see cref="ScheduleKind.ReduceOnPlateau"/>.</summary>
    /// <value>0 or more, below <see cref="LearningRate"/>. Default 0.</value>
    public double MinLearningRate { get; set; } = Defaults.MinLearningRate;

    /// <summary>The first cycle of cosine annealing with warm restarts, in epochs.</summary>
    /// <value>0 anneals once over all epochs after warm-up, with no restart. Default 0.</value>
    public int CosineRestartEpochs { get; set; } = Defaults.CosineRestartEpochs;

    /// <summary>How much longer each cosine cycle is than the one before.</summary>
    /// <value>1 or more. Default 1.</value>
    public int CosineRestartMultiplier { get; set; } = Defaults.CosineRestartMultiplier;

    /// <summary>The fraction of the base rate that <see cref="ScheduleKind.LinearDecay"/> reaches after the last epoch.</summary>
    /// <value>In [0, 1]. Default 0.</value>
    public double LinearEndFactor { get; set; } = Defaults.LinearEndFactor;

    /// <summary>The epochs (after warm-up) at which <see cref="ScheduleKind.PiecewiseConstant"/> moves to the next rate.</summary>
    /// <value>Increasing, 1 or more; one fewer than <see cref="PiecewiseLearningRates"/>. Default empty.</value>
    public int[] PiecewiseBoundaries { get; set; } = [];

    /// <summary>The rates of <see cref="ScheduleKind.PiecewiseConstant"/>; the first holds before the first boundary.</summary>
    /// <value>Greater than 0; one more than <see cref="PiecewiseBoundaries"/>. Default empty.</value>
    public double[] PiecewiseLearningRates { get; set; } = [];

    /// <summary>What <see cref="ScheduleKind.ReduceOnPlateau"/> watches.</summary>
    /// <value>Default <see cref="MonitorKind.ValidationLoss"/>; the training loss stands in when there is no validation data.</value>
    public MonitorKind PlateauMonitor { get; set; } = Defaults.PlateauMonitor;

    /// <summary>The factor of <see cref="ScheduleKind.ReduceOnPlateau"/>.</summary>
    /// <value>In (0, 1). Default 0.1.</value>
    public double PlateauFactor { get; set; } = Defaults.PlateauFactor;

    /// <summary>Epochs without improvement before <see cref="ScheduleKind.ReduceOnPlateau"/> reduces the rate.</summary>
    /// <value>0 or more. Default 5.</value>
    public int PlateauPatience { get; set; } = Defaults.PlateauPatience;

    /// <summary>Epochs after a reduction during which <see cref="ScheduleKind.ReduceOnPlateau"/> does not count bad epochs.</summary>
    /// <value>0 or more. Default 0.</value>
    public int PlateauCooldown { get; set; } = Defaults.PlateauCooldown;

    /// <summary>The relative change that counts as an improvement for <see cref="ScheduleKind.ReduceOnPlateau"/>.</summary>
    /// <value>0 or more. Default 1e-4.</value>
    public double PlateauThreshold { get; set; } = Defaults.PlateauThreshold;

    /// <summary>Epochs of linear warm-up in front of the schedule.</summary>
    /// <value>0 or more, fewer than <see cref="Epochs"/>; 0 turns warm-up off. Default 0.</value>
    public int WarmupEpochs { get; set; } = Defaults.WarmupEpochs;

    /// <summary>The fraction of the base rate used in the first warm-up epoch.</summary>
    /// <value>In (0, 1]. Default 0.1.</value>
    public double WarmupStartFactor { get; set; } = Defaults.WarmupStartFactor;

    /// <summary>Clips the global gradient norm to this value before each step.</summary>
    /// <value>0 or more; 0 turns it off. Default 0.</value>
    public double GradientClipNorm { get; set; } = Defaults.GradientClipNorm;

    /// <summary>Clips each gradient element to [-value, value] before each step.</summary>
    /// <value>0 or more; 0 turns it off. Default 0.</value>
    public double GradientClipValue { get; set; } = Defaults.GradientClipValue;

    /// <summary>Epochs without improvement of <see cref="EarlyStoppingMonitor"/> before training stops.</summary>
    /// <value>0 or more; 0 turns early stopping off. Needs validation data. Default 0.</value>
    public int EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

    /// <summary>The least change of the monitored value that counts as an improvement.</summary>
    /// <value>0 or more. Default 0.</value>
    public double EarlyStoppingMinDelta { get; set; } = Defaults.EarlyStoppingMinDelta;

    /// <summary>What early stopping watches.</summary>
    /// <value>Default <see cref="MonitorKind.ValidationLoss"/>.</value>
    public MonitorKind EarlyStoppingMonitor { get; set; } = Defaults.EarlyStoppingMonitor;

    /// <summary>Whether the model keeps the weights of its best epoch when early stopping is on.</summary>
    /// <value>Default true.</value>
    public bool RestoreBestWeights { get; set; } = Defaults.RestoreBestWeights;

    /// <summary>The training loss.</summary>
    /// <value>null uses the task's own: cross-entropy for multiclass, binary cross-entropy for binary, mean squared error for regression. Default null.</value>
    public LossKind? Loss { get; set; }

    /// <summary>Label smoothing of <see cref="LossKind.CrossEntropy"/>.</summary>
    /// <value>In [0, 1). Default 0.</value>
    public double LabelSmoothing { get; set; } = Defaults.LabelSmoothing;

    /// <summary>Explicit class weights of the classification losses, indexed by class (key value minus one; false then true for binary).</summary>
    /// <value>null for none; otherwise one positive weight per class. Default null.</value>
    public double[]? ClassWeights { get; set; }

    /// <summary>Weights each class by n / (classes · count of the class) in the training data, as scikit-learn's "balanced".</summary>
    /// <value>Cannot be combined with <see cref="ClassWeights"/>. Default false.</value>
    public bool BalanceClassWeights { get; set; } = Defaults.BalanceClassWeights;

    /// <summary>The threshold between the quadratic and linear parts of <see cref="LossKind.Huber"/>.</summary>
    /// <value>Greater than 0. Default 1.</value>
    public double HuberDelta { get; set; } = Defaults.HuberDelta;

    /// <summary>The activation between layers.</summary>
    /// <value>Default <see cref="ActivationKind.Relu"/>.</value>
    public ActivationKind Activation { get; set; } = Defaults.Activation;

    /// <summary>The negative slope of <see cref="ActivationKind.LeakyRelu"/>.</summary>
    /// <value>0 or more. Default 0.01.</value>
    public double LeakyReluSlope { get; set; } = Defaults.LeakyReluSlope;

    /// <summary>How weights are initialised.</summary>
    /// <value>Default <see cref="WeightInitKind.Default"/>.</value>
    public WeightInitKind WeightInit { get; set; } = Defaults.WeightInit;

    /// <summary>Rows per mini-batch.</summary>
    /// <value>1 or more, and no more than the training rows. Default 32.</value>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Passes over the training data.</summary>
    /// <value>1 or more. Default 10.</value>
    public int Epochs { get; set; } = Defaults.Epochs;

    /// <summary>The fraction of the training rows held out, stratified by label and seeded, to validate each epoch.</summary>
    /// <value>In [0, 1); 0 holds out nothing. Ignored when <see cref="ValidationSet"/> is set. Default 0.</value>
    public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

    /// <summary>Explicit validation data with the same columns as the training data.</summary>
    /// <value>null uses <see cref="ValidationFraction"/>. Default null.</value>
    [JsonIgnore]
    public IDataView? ValidationSet { get; set; }

    /// <summary>The seed of weight initialisation, shuffling, dropout and the validation split.</summary>
    /// <value>null takes one from the <see cref="MLContext"/>'s seed. Default null.</value>
    public int? Seed { get; set; }

    /// <summary>The number of threads TorchSharp uses on the CPU during this fit.</summary>
    /// <value>null leaves TorchSharp's setting; otherwise 1 or more, set when <c>Fit</c> starts and put back to the previous
    /// value when it returns. libtorch holds one setting per process, so fits running at the same time with different
    /// values share whichever was set last. Prediction has its own setting,
    /// <see cref="DeepPredictionTransformer.PredictionThreadCount"/>. Default null.</value>
    public int? ThreadCount { get; set; }

    /// <summary>The device: "cpu", "cuda" or "cuda:N".</summary>
    /// <value>null uses CUDA when it is available and the CPU otherwise. A CUDA device this machine lacks is an error
    /// before training. Default null.</value>
    public string? Device { get; set; }

    /// <summary>A fitted DeepOpt classifier whose softened outputs the new model learns from (knowledge distillation).</summary>
    /// <value>null trains on the labels alone. The teacher must read the same feature column with the same size and have the same classes; a text teacher and a text student may have different vocabularies (the student's token ids are translated word by word into the teacher's). Default null.</value>
    [JsonIgnore]
    public DeepPredictionTransformer? Teacher { get; set; }

    /// <summary>The temperature T that softens teacher and student outputs for distillation.</summary>
    /// <value>Greater than 0; the distillation term is scaled by T² (Hinton et al.). Default 4.</value>
    public double DistillationTemperature { get; set; } = Defaults.DistillationTemperature;

    /// <summary>The weight alpha of the distillation term: loss = (1 − alpha) · label loss + alpha · T² · KL(teacher ‖ student).</summary>
    /// <value>In [0, 1]. Default 0.5.</value>
    public double DistillationAlpha { get; set; } = Defaults.DistillationAlpha;

    /// <summary>Receives a report after every epoch.</summary>
    /// <value>null for none. Default null.</value>
    [JsonIgnore]
    public IProgress<EpochReport>? Progress { get; set; }

    /// <summary>Receives a report after every training batch (on the training thread: keep it quick).</summary>
    /// <value>null for none. Default null.</value>
    [JsonIgnore]
    public IProgress<BatchReport>? BatchProgress { get; set; }

    /// <summary>Stops training before the next batch when cancelled; the fit then throws <see cref="OperationCanceledException"/>.</summary>
    /// <value>Default <see cref="CancellationToken.None"/>.</value>
    [JsonIgnore]
    public CancellationToken CancellationToken { get; set; }

    /// <summary>The engine's network hook: builds the untrained network for this input width and output width.</summary>
    internal abstract nn.Module<Tensor, Tensor> BuildNetwork(int inputSize, int outputSize);

    /// <summary>Whether the trainer reads ML.NET image columns as well as float vectors.</summary>
    internal virtual bool AcceptsImages => false;

    /// <summary>Gets a value indicating whether the network has batch norm layers, which need batches of 2 rows or more.</summary>
    internal virtual bool UsesBatchNorm => false;

    /// <summary>Whether the trainer reads token sequences (text, or a vector of keys) instead of float vectors.</summary>
    internal virtual bool AcceptsTokens => false;

    /// <summary>
    /// The options to train with on these features: checks that the network fits them, before training, and fills in
    /// what the features decide (a CNN's image shape). Returns these options or an adjusted copy.
    /// </summary>
    internal virtual DeepTrainerOptions ForFeatures(FeatureSpec features) => this;

    /// <summary>
    /// A copy through JSON. With <paramref name="keepRuntimeMembers"/>, the members JSON leaves out (validation data,
    /// progress, teacher, cancellation) are shared; without, they stay unset, as in a saved model.
    /// </summary>
    internal DeepTrainerOptions Clone(bool keepRuntimeMembers = true)
    {
        var copy = JsonSerializer.Deserialize<DeepTrainerOptions>(JsonSerializer.Serialize(this, ModelDescription.Json), ModelDescription.Json)!;
        if (!keepRuntimeMembers)
        {
            return copy;
        }

        copy.ValidationSet = ValidationSet;
        copy.Progress = Progress;
        copy.BatchProgress = BatchProgress;
        copy.Teacher = Teacher;
        copy.CancellationToken = CancellationToken;
        return copy;
    }

    /// <summary>The engine's augmentation hook: null, or what changes each training batch at random.</summary>
    internal virtual IBatchAugmenter? CreateAugmenter(int seed) => null;

    /// <summary>Checks every option and throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one and its fix
    /// (an <see cref="ArgumentException"/> for a disposed <see cref="Teacher"/>).</summary>
    public virtual void Validate()
    {
        if (Teacher != null)
        {
            Distillation.CheckAlive(Teacher);
        }

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
        if (EarlyStoppingPatience > 0 && ValidationSet == null && ValidationFraction == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, $"Early stopping needs validation data: set `{nameof(ValidationFraction)}` > 0 or `{nameof(ValidationSet)}`, or turn early stopping off with `{nameof(EarlyStoppingPatience)}` = 0.");
        }

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
        if (UsesBatchNorm && BatchSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"`{nameof(BatchSize)}` must be at least 2 with batch norm, but got {BatchSize}: batch norm cannot normalise a batch of one row. Set `{nameof(BatchSize)}` to 2 or more, or `BatchNorm` = false.");
        }
        OptionChecks.InRange(ValidationFraction, 0, 1, nameof(ValidationFraction));
        OptionChecks.Positive(DistillationTemperature, nameof(DistillationTemperature));
        OptionChecks.InClosedRange(DistillationAlpha, 0, 1, nameof(DistillationAlpha));
        if (ThreadCount.HasValue)
        {
            OptionChecks.AtLeast(ThreadCount.Value, 1, nameof(ThreadCount));
        }

        Devices.Check(Device);
    }
}
