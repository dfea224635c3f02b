// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>What one training batch did, for progress displays that move within an epoch.</summary>
/// <param name="Epoch">The epoch, counted from 1.</param>
/// <param name="TotalEpochs">The epochs the fit was asked for.</param>
/// <param name="Batch">The batch within the epoch, counted from 1.</param>
/// <param name="TotalBatches">The batches of an epoch.</param>
/// <param name="Loss">The batch's training loss, without the L1 penalty.</param>
public sealed record BatchReport(int Epoch, int TotalEpochs, int Batch, int TotalBatches, double Loss);
