// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML.Runtime;

namespace DeepOpt.Trainers;

/// <summary>
/// Trains a convolutional network with TorchSharp for image classification, with on-the-fly augmentation and optional
/// knowledge distillation from a fitted DeepOpt teacher.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Trainer characteristics</term><description></description></listheader>
/// <item><term>Machine learning task</term><description>Multiclass classification, binary classification</description></item>
/// <item><term>Is normalization required?</term><description>No: pixels are scaled by <see cref="CnnOptions.PixelScale"/></description></item>
/// <item><term>Input columns</term><description>Label: key (multiclass) or Boolean (binary); Features: a known-size vector of Single holding Height × Width × Channels pixels in <see cref="CnnOptions.Layout"/></description></item>
/// <item><term>Output columns</term><description>Score, PredictedLabel and, for binary, Probability</description></item>
/// <item><term>Uses a GPU</term><description>Yes, CUDA when TorchSharp finds one, unless <see cref="DeepTrainerOptions.Device"/> says otherwise</description></item>
/// <item><term>Save and load</term><description>ml.Model.SaveDeepOpt / ml.Model.LoadDeepOpt</description></item>
/// </list>
/// The program in examples/FashionMnist trains one on Fashion-MNIST.
/// </remarks>
public sealed class CnnTrainer : DeepTrainerBase<CnnOptions>
{
    internal CnnTrainer(IHostEnvironment environment, CnnOptions options, PredictionKind task)
        : base(environment, options, task)
    {
    }
}
