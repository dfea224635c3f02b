// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// A data set moved once to the device: inputs [rows, features] and targets (int64 class indices for multiclass,
/// float otherwise). Batches are row selections of these tensors.
/// </summary>
internal sealed class TensorData : IDisposable
{
    public TensorData(LabeledData data, PredictionKind task, Device device)
    {
        Count = data.Count;
        Targets = data.Targets;
        Inputs = torch.tensor(data.Features, new long[] { data.Count, data.FeatureSize }, device: device);
        TargetTensor = task == PredictionKind.MulticlassClassification
            ? torch.tensor(data.Targets.Select(t => (long)t).ToArray(), device: device)
            : torch.tensor(data.Targets, device: device);
    }

    public int Count { get; }

    public float[] Targets { get; }

    public Tensor Inputs { get; }

    public Tensor TargetTensor { get; }

    public void Dispose()
    {
        Inputs.Dispose();
        TargetTensor.Dispose();
    }
}
