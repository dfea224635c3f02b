// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// Thrown by <c>Fit</c> when training stops being finite: a batch's training loss is NaN or infinite, or the weights
/// are after the last step. No model is returned, so no model predicts NaN scores.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    private const string Fix = "Lower `LearningRate`, set `GradientClipNorm` (for example 1), or normalize the features (for example with ml.Transforms.NormalizeMinMax).";

    internal TrainingDivergedException(int epoch, int batch, int batchesPerEpoch, float loss, double learningRate)
        : base($"Training diverged: the training loss was {loss} in epoch {epoch}, batch {batch} of {batchesPerEpoch}, at learning rate {learningRate:G4}. {Fix}")
    {
        Epoch = epoch;
        Batch = batch;
    }

    internal TrainingDivergedException(int epoch, string parameter, double learningRate)
        : base($"Training diverged: weight '{parameter}' was NaN or infinite after epoch {epoch}, at learning rate {learningRate:G4}. {Fix}")
    {
        Epoch = epoch;
    }

    /// <summary>Gets the epoch (from 1) in which training diverged.</summary>
    public int Epoch { get; }

    /// <summary>Gets the batch of that epoch (from 1) whose loss was not finite, or 0 when the weights were found so after the epoch.</summary>
    public int Batch { get; }
}
