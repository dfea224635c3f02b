// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>The activation and weight-initialisation choices, turned into TorchSharp modules and calls.</summary>
internal static class Layers
{
    public static Module<Tensor, Tensor> Activation(ActivationKind kind, double leakySlope) => kind switch
    {
        ActivationKind.Relu => ReLU(),
        ActivationKind.LeakyRelu => LeakyReLU(leakySlope),
        ActivationKind.Elu => ELU(),
        ActivationKind.Gelu => GELU(),
        ActivationKind.Silu => SiLU(),
        ActivationKind.Tanh => Tanh(),
        ActivationKind.Sigmoid => Sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Activation), kind, $"`Activation` {kind} is not known."),
    };

    /// <summary>
    /// Initialises every parameter of <paramref name="network"/> from <paramref name="generator"/>, never from
    /// libtorch's process-wide generator, so that fits running at once do not draw from each other's sequence. Each
    /// layer first gets PyTorch's default (<see cref="ResetParameters"/>); then, unless <paramref name="kind"/> is
    /// <see cref="WeightInitKind.Default"/>, every linear, convolution and embedding weight gets that scheme and the
    /// biases outside batch norm start at 0; last, a network with recurrent layers initialises those itself.
    /// </summary>
    public static void Initialize(Module network, WeightInitKind kind, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var module in network.modules())
        {
            ResetParameters(module, generator);
        }

        if (kind != WeightInitKind.Default)
        {
            foreach (var (name, parameter) in network.named_parameters())
            {
                if (name.EndsWith("weight", StringComparison.Ordinal) && parameter.dim() >= 2)
                {
                    InitializeWeight(parameter, kind, generator);
                }
                else if (name.EndsWith("bias", StringComparison.Ordinal) && !IsNormalization(name))
                {
                    init.zeros_(parameter);
                }
            }
        }

        (network as IOwnInitialization)?.InitializeOwn(generator);
    }

    /// <summary>Initialises one weight in place (under <c>no_grad</c>) from <paramref name="generator"/>; <see cref="WeightInitKind.Default"/> leaves it.</summary>
    public static void InitializeWeight(Tensor weight, WeightInitKind kind, Generator generator)
    {
        // The bounds of torch.nn.init's schemes (Kaiming's gain is sqrt(2), for ReLU and for LeakyReLU with a = 0).
        if (kind == WeightInitKind.Default)
        {
            return;
        }

        var (fanIn, fanOut) = Fans(weight);
        switch (kind)
        {
            case WeightInitKind.XavierUniform: Uniform(weight, Math.Sqrt(6.0 / (fanIn + fanOut)), generator); break;
            case WeightInitKind.XavierNormal: Normal(weight, Math.Sqrt(2.0 / (fanIn + fanOut)), generator); break;
            case WeightInitKind.KaimingUniform: Uniform(weight, Math.Sqrt(6.0 / fanIn), generator); break;
            case WeightInitKind.KaimingNormal: Normal(weight, Math.Sqrt(2.0 / fanIn), generator); break;
            case WeightInitKind.Uniform: Uniform(weight, 0.05, generator); break;
            case WeightInitKind.Normal: Normal(weight, 0.05, generator); break;
            case WeightInitKind.Orthogonal: Orthogonal(weight, generator); break;
            default: throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.WeightInit), kind, $"`WeightInit` {kind} is not known.");
        }
    }

    /// <summary>
    /// PyTorch's own start for the layers DeepOpt builds: linear and convolution weights and biases uniform within
    /// 1/sqrt(fan-in), recurrent weights and biases within 1/sqrt(hidden size), embeddings standard normal. Batch norm
    /// (weight 1, bias 0) draws nothing. A layer of another kind with parameters is an error here, so no parameter is
    /// left with a draw from the process-wide generator.
    /// </summary>
    private static void ResetParameters(Module module, Generator generator)
    {
        var parameters = module.named_parameters(recurse: false).ToList();
        if (parameters.Count == 0 || module is BatchNorm)
        {
            return;
        }

        switch (module)
        {
            case TorchSharp.Modules.Linear or Convolution:
                double bound = 1 / Math.Sqrt(Fans(parameters.Single(p => p.name == "weight").parameter).FanIn);
                parameters.ForEach(p => Uniform(p.parameter, bound, generator));
                break;
            case TorchSharp.Modules.LSTM or TorchSharp.Modules.GRU:
                long hidden = parameters.First(p => p.name.StartsWith("weight_hh", StringComparison.Ordinal)).parameter.shape[1];
                parameters.ForEach(p => Uniform(p.parameter, 1 / Math.Sqrt(hidden), generator));
                break;
            case TorchSharp.Modules.Embedding:
                parameters.ForEach(p => Normal(p.parameter, 1, generator));
                break;
            default:
                throw new InvalidOperationException($"DeepOpt has no seeded initialisation for a {module.GetType().Name} layer.");
        }
    }

    // Tensor's own uniform_ and normal_ take the generator; init's overloads with a generator parameter drew from
    // the process-wide one in TorchSharp 0.107 (LayersTests caught it).
    private static void Normal(Tensor tensor, double std, Generator generator) => tensor.normal_(0, std, generator);

    private static void Uniform(Tensor tensor, double bound, Generator generator) => tensor.uniform_(-bound, bound, generator);

    /// <summary>A (semi-)orthogonal matrix from the QR decomposition of a normal one, signs fixed by R's diagonal, as torch.nn.init.orthogonal_.</summary>
    private static void Orthogonal(Tensor weight, Generator generator)
    {
        long rows = weight.shape[0];
        long columns = weight.numel() / rows;
        var normal = torch.empty(rows, columns, dtype: weight.dtype, device: weight.device).normal_(0, 1, generator);
        var tall = rows < columns ? normal.t() : normal;
        var (q, r) = torch.linalg.qr(tall);
        q = q * r.diagonal().sign();
        weight.copy_((rows < columns ? q.t() : q).reshape(weight.shape));
    }

    private static (double FanIn, double FanOut) Fans(Tensor weight)
    {
        double receptive = weight.shape.Skip(2).Aggregate(1L, (product, size) => product * size);
        return (weight.shape[1] * receptive, weight.shape[0] * receptive);
    }

    /// <summary>Batch-norm layers are named "bn…" by every DeepOpt network; their affine parameters keep their own start.</summary>
    private static bool IsNormalization(string name) => name.Split('.').Any(part => part.StartsWith("bn", StringComparison.Ordinal));

    /// <summary>
    /// The same (batch, channels, height, width) tensor with channels-last strides. libtorch then runs convolution,
    /// batch norm, activations and pooling on the CPU in oneDNN's NHWC kernels without reorders; measured on the seed
    /// CNN, a training step took 15–25 % less. TorchSharp has no memory_format argument, hence permute, copy, permute
    /// back; the copy is skipped when the strides are already channels-last, or ambiguous (one channel).
    /// </summary>
    public static Tensor ChannelsLast(Tensor images) => images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}

/// <summary>A network whose layers need more than <see cref="Layers.Initialize"/> gives them (recurrent gate blocks).</summary>
internal interface IOwnInitialization
{
    /// <summary>Called last by <see cref="Layers.Initialize"/>, under <c>no_grad</c>, with the fit's generator.</summary>
    void InitializeOwn(Generator generator);
}
