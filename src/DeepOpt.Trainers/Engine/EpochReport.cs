// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>What one epoch of training did. The fitted model keeps one per epoch in its history.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="TotalEpochs">The epochs the fit was asked for.</param>
/// <param name="TrainLoss">The mean training loss over the epoch's batches, without the L1 penalty.</param>
/// <param name="ValidationLoss">The loss on the validation data, or null when there is none.</param>
/// <param name="ValidationMetric">Accuracy for classification or R-squared for regression on the validation data, or null when there is none.</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
/// <param name="Seconds">The wall time of the epoch, validation included.</param>
public sealed record EpochReport(
    int Epoch,
    int TotalEpochs,
    double TrainLoss,
    double? ValidationLoss,
    double? ValidationMetric,
    double LearningRate,
    double Seconds)
{
    /// <summary>Gets the number of trainable weights of the network, or null when not known.</summary>
    public long? ParameterCount { get; init; }
}
