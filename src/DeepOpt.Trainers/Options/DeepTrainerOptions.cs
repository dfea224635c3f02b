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
public abstract partial class DeepTrainerOptions
{
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
    /// <value>In [0, 1); 0 holds out nothing. Ignored when the fit context has a <see cref="DeepFitContext.ValidationSet"/>. Default 0.</value>
    public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

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

    /// <summary>The number of replicas that train the network at once, data-parallel: each runs forward and backward on
    /// its slice of every batch, the gradients are summed into one optimizer step, and every replica then holds the same
    /// weights.</summary>
    /// <value>1 or more, and no more than <see cref="BatchSize"/> (half of it with batch norm, which needs 2 rows per
    /// replica). On CUDA each replica takes its own device, from <see cref="Device"/>'s index on; on the CPU each is a
    /// group of <see cref="ThreadCount"/> threads (null: the cores divided by the replicas, at least 1). The result
    /// equals training with one replica and the same <see cref="BatchSize"/> within float rounding, except that batch
    /// norm normalises each replica's slice by that slice's statistics (as PyTorch's DistributedDataParallel without
    /// SyncBatchNorm; the running statistics are averaged over the replicas after every step) and that dropout draws
    /// each replica's masks from its own seeded generator. Default 1.</value>
    public int Replicas { get; set; } = Defaults.Replicas;

    /// <summary>The temperature T that softens teacher and student outputs for distillation.</summary>
    /// <value>Greater than 0; the distillation term is scaled by T² (Hinton et al.). Default 4.</value>
    public double DistillationTemperature { get; set; } = Defaults.DistillationTemperature;

    /// <summary>The weight alpha of the distillation term: loss = (1 − alpha) · label loss + alpha · T² · KL(teacher ‖ student).</summary>
    /// <value>In [0, 1]. Default 0.5.</value>
    public double DistillationAlpha { get; set; } = Defaults.DistillationAlpha;

    /// <summary>Copies these options, every setting; a tuner changes the copy's settings without touching these.</summary>
    /// <returns>The copy, of the same options type.</returns>
    public DeepTrainerOptions Clone() =>
        JsonSerializer.Deserialize<DeepTrainerOptions>(JsonSerializer.Serialize(this, ModelDescription.Json), ModelDescription.Json)!;
}
