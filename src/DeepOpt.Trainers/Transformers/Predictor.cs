// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Runs the trained network in evaluation mode without gradients: one forward pass per batch of rows, shared by
/// every output column. Multiclass outputs are softmax probabilities; binary and regression outputs are raw.
/// Forward passes from several threads run at once: in evaluation mode, set once here, a pass only reads the weights
/// (libtorch's grad mode and TorchSharp's dispose scopes are per thread), so nothing needs a lock.
/// </summary>
internal sealed class Predictor
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly Device _device;
    private readonly int _featureSize;
    private readonly bool _softmax;
    private readonly ModelLifetime _lifetime;

    public Predictor(nn.Module<Tensor, Tensor> network, Device device, int featureSize, PredictionKind task, ModelLifetime lifetime)
    {
        _lifetime = lifetime;
        _network = network;
        _device = device;
        _featureSize = featureSize;
        _softmax = task == PredictionKind.MulticlassClassification;
        OneDnnCheck.Process.Ensure(network, device, null); // a process that only predicts checks its layers too
        _network.eval();
    }

    /// <summary>The libtorch thread count of each forward pass, or null to leave libtorch's setting.</summary>
    public int? ThreadCount { get; set; }

    /// <summary>The outputs of <paramref name="rows"/> rows of features, row after row.</summary>
    public float[] Predict(float[] features, int rows)
    {
        // Another thread may dispose the model at any time; the lease keeps the network alive until this pass ends.
        using var lease = _lifetime.Enter("predict");
        using var threads = ThreadCountScope.Set(ThreadCount);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var input = torch.tensor(features.AsSpan(0, rows * _featureSize).ToArray(), new long[] { rows, _featureSize }, device: _device);
        var output = _network.call(input); // call, not forward: hooks a user registers run too
        if (_softmax)
        {
            output = output.softmax(1);
        }

        return output.cpu().data<float>().ToArray();
    }
}
