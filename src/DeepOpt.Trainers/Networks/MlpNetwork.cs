// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// A multi-layer perceptron: for each hidden size a linear layer (fcN), optional batch norm (bnN), the activation
/// (actN) and optional dropout (dropN), then a linear output layer (out).
/// </summary>
internal sealed class MlpNetwork : Module<Tensor, Tensor>, IBlockNetwork
{
    [ComponentName(Name = "layers")]
    private readonly TorchSharp.Modules.Sequential _layers;

    /// <inheritdoc/>
    public IReadOnlyList<string[]> Blocks { get; }

    public MlpNetwork(int inputSize, int outputSize, MlpOptions options)
        : base(nameof(MlpNetwork))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int width = inputSize;
        for (int i = 0; i < options.HiddenLayerSizes.Length; i++)
        {
            int units = options.HiddenLayerSizes[i];
            layers.Add(($"fc{i}", Linear(width, units)));
            if (options.BatchNorm)
            {
                layers.Add(($"bn{i}", BatchNorm1d(units)));
            }

            layers.Add(($"act{i}", Layers.Activation(options.Activation, options.LeakyReluSlope)));
            if (options.Dropout > 0)
            {
                layers.Add(($"drop{i}", new SeededDropout(options.Dropout)));
            }

            width = units;
        }

        layers.Add(("out", Linear(width, outputSize)));
        Blocks = [.. Enumerable.Range(0, options.HiddenLayerSizes.Length).Select(i => new[] { $"layers.fc{i}.", $"layers.bn{i}." }), ["layers.out."]];
        _layers = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => _layers.forward(input);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _layers.Dispose();
        }

        base.Dispose(disposing);
    }
}
