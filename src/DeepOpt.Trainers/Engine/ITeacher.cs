// Licensed under the MIT license. See LICENSE in the repository root.

using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// What distillation needs of a trained model: what it reads and predicts, its network and device, and a lease that
/// keeps it from being disposed while it teaches. <see cref="DeepPredictionTransformer"/> is one, so the engine does
/// not depend on the transformer layer above it.
/// </summary>
internal interface ITeacher
{
    /// <summary>Gets what the model reads and predicts.</summary>
    ModelDescription Description { get; }

    /// <summary>Gets the device the network is on.</summary>
    Device Device { get; }

    /// <summary>Gets the trained network.</summary>
    nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>Gets a value indicating whether the model was disposed.</summary>
    bool IsDisposed { get; }

    /// <summary>Keeps the model alive for <paramref name="use"/> until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    IDisposable Lease(string use);
}
