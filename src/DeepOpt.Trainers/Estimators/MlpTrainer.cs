// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Trains a multi-layer perceptron with TorchSharp for multiclass or binary classification or regression.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Multiclass classification, binary classification, regression</description></item>
/// <item><term>Is normalization required?</term><description>Yes: scale features to a small range (for example with NormalizeMinMax)</description></item>
/// <item><term>Input columns</term><description>Label: key (multiclass), Boolean (binary) or Single (regression); Features: known-size vector of Single</description></item>
/// <item><term>Output columns</term><description>Score, PredictedLabel and, for binary, Probability</description></item>
/// <item><term>Uses a GPU</term><description>Yes, CUDA when TorchSharp finds one, unless <see cref="DeepTrainerOptions.Device"/> says otherwise</description></item>
/// <item><term>Save and load</term><description>ml.Model.SaveDeepOpt / ml.Model.LoadDeepOpt</description></item>
/// </list>
/// The program in examples/QuickStart trains one on the UCI handwritten digits.
/// </remarks>
public sealed class MlpTrainer : DeepTrainerBase<MlpOptions>
{
    internal MlpTrainer(IHostEnvironment environment, MlpOptions options, PredictionKind task, DeepFitContext? context)
        : base(environment, options, task, context)
    {
    }

    /// <summary>The MLP: it reads float vectors.</summary>
    internal sealed class Design(MlpOptions options) : NetworkDesign
    {
        public override bool UsesBatchNorm => options.BatchNorm;

        protected override DeepTrainerOptions Options => options;

        public override nn.Module<Tensor, Tensor> Build(int inputSize, int outputSize) => new MlpNetwork(inputSize, outputSize, options);
    }
}
