// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>The optimizer that updates the network's weights.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent.</summary>
    Sgd,

    /// <summary>SGD with classical momentum (<see cref="DeepTrainerOptions.Momentum"/>).</summary>
    Momentum,

    /// <summary>SGD with Nesterov momentum (<see cref="DeepTrainerOptions.Momentum"/>).</summary>
    Nesterov,

    /// <summary>Adagrad: per-parameter rates scaled by the accumulated squared gradients.</summary>
    Adagrad,

    /// <summary>RMSProp: rates scaled by a moving average of squared gradients (<see cref="DeepTrainerOptions.RmsPropAlpha"/>).</summary>
    RmsProp,

    /// <summary>Adam; <see cref="DeepTrainerOptions.WeightDecay"/> is an L2 term added to the gradient.</summary>
    Adam,

    /// <summary>AdamW; <see cref="DeepTrainerOptions.WeightDecay"/> is decoupled from the gradient.</summary>
    AdamW,
}

/// <summary>How the learning rate changes from epoch to epoch, after any warm-up.</summary>
public enum ScheduleKind
{
    /// <summary>The learning rate stays at <see cref="DeepTrainerOptions.LearningRate"/>.</summary>
    Constant,

    /// <summary>Multiplied by <see cref="DeepTrainerOptions.Gamma"/> every <see cref="DeepTrainerOptions.StepSize"/> epochs.</summary>
    Step,

    /// <summary>Multiplied by <see cref="DeepTrainerOptions.Gamma"/> at each epoch listed in <see cref="DeepTrainerOptions.Milestones"/>.</summary>
    MultiStep,

    /// <summary>Multiplied by <see cref="DeepTrainerOptions.Gamma"/> every epoch.</summary>
    Exponential,

    /// <summary>Cosine annealing to <see cref="DeepTrainerOptions.MinLearningRate"/>, with warm restarts when <see cref="DeepTrainerOptions.CosineRestartEpochs"/> is set.</summary>
    CosineAnnealing,

    /// <summary>Linear decay from the base rate to <see cref="DeepTrainerOptions.LinearEndFactor"/> times it.</summary>
    LinearDecay,

    /// <summary>The rates of <see cref="DeepTrainerOptions.PiecewiseLearningRates"/> between the epochs of <see cref="DeepTrainerOptions.PiecewiseBoundaries"/>.</summary>
    PiecewiseConstant,

    /// <summary>Multiplied by <see cref="DeepTrainerOptions.PlateauFactor"/> when the monitored value stops improving.</summary>
    ReduceOnPlateau,
}

/// <summary>The value that early stopping and reduce-on-plateau watch.</summary>
public enum MonitorKind
{
    /// <summary>The validation loss; lower is better.</summary>
    ValidationLoss,

    /// <summary>The validation metric (accuracy for classification, R-squared for regression); higher is better.</summary>
    ValidationMetric,
}

/// <summary>The training loss.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy (multiclass), with optional class weights and label smoothing.</summary>
    CrossEntropy,

    /// <summary>Sigmoid binary cross-entropy on one logit (binary), with optional class weights.</summary>
    BinaryCrossEntropy,

    /// <summary>Mean squared error (regression).</summary>
    MeanSquaredError,

    /// <summary>Huber loss with <see cref="DeepTrainerOptions.HuberDelta"/> (regression).</summary>
    Huber,
}

/// <summary>The non-linearity between layers.</summary>
public enum ActivationKind
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>max(0, x) + slope · min(0, x), with <see cref="DeepTrainerOptions.LeakyReluSlope"/>.</summary>
    LeakyRelu,

    /// <summary>Exponential linear unit.</summary>
    Elu,

    /// <summary>Gaussian error linear unit.</summary>
    Gelu,

    /// <summary>x · sigmoid(x), also called swish.</summary>
    Silu,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
}

/// <summary>How the weights of linear and convolution layers are initialised; biases start at zero except for <see cref="Default"/>.</summary>
public enum WeightInitKind
{
    /// <summary>TorchSharp's own initialisation of each layer (as PyTorch's).</summary>
    Default,

    /// <summary>Xavier/Glorot uniform.</summary>
    XavierUniform,

    /// <summary>Xavier/Glorot normal.</summary>
    XavierNormal,

    /// <summary>He/Kaiming uniform for ReLU networks.</summary>
    KaimingUniform,

    /// <summary>He/Kaiming normal for ReLU networks.</summary>
    KaimingNormal,

    /// <summary>Uniform in [-0.05, 0.05].</summary>
    Uniform,

    /// <summary>Normal with standard deviation 0.05.</summary>
    Normal,

    /// <summary>A (semi-)orthogonal matrix.</summary>
    Orthogonal,
}

/// <summary>How the pixels of one image are ordered in a feature vector.</summary>
public enum ImageLayout
{
    /// <summary>Channel after channel, each row by row (C, H, W): what ML.NET's ExtractPixels produces by default.</summary>
    ChannelsFirst,

    /// <summary>Pixel after pixel, each with its channels (H, W, C): ExtractPixels with interleavePixelColors.</summary>
    ChannelsLast,
}

/// <summary>The network a CNN trainer builds.</summary>
public enum CnnArchitecture
{
    /// <summary>DeepOpt's own blocks, shaped by <see cref="CnnOptions.ConvFilters"/> and the options after it.</summary>
    Custom,

    /// <summary>ResNet-18 (ML.NET's CNTK layout), with the ImageNet weights of Microsoft.ML.DnnImageFeaturizer.ResNet18
    /// unless <see cref="CnnOptions.ImageNetWeights"/> is false; a new linear output layer over its 512 features.</summary>
    ResNet18,
}

/// <summary>The pooling after each convolution block.</summary>
public enum PoolingKind
{
    /// <summary>Max pooling.</summary>
    Max,

    /// <summary>Average pooling.</summary>
    Average,

    /// <summary>No pooling.</summary>
    None,
}
