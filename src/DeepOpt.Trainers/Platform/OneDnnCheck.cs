// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Checks, the first time a process trains or predicts with a layer of a given shape, that libtorch's oneDNN kernels
/// compute it right on this machine, and turns oneDNN off for the process (libtorch's own kernels then compute
/// convolutions and recurrent layers, as <c>torch.backends.mkldnn.enabled = False</c> does in PyTorch) where they do not.
/// </summary>
/// <remarks>
/// <para>
/// Why a check and not a rule: on one AMD EPYC VM (2026-11), libtorch 2.10's oneDNN gave NaN input gradients for 3×3
/// convolutions with 4–12 output channels in 17–125 of 200 passes, a NaN forward 24→48 convolution and LSTM(16) outputs
/// off by 0.67. Later probes found none of it, neither on the same kind of machine at any oneDNN level nor on an AMD EPYC
/// without AVX-512 (bench/README.md, "Findings"), so a cap chosen by CPU vendor would cost a third of the speed on
/// machines where nothing is wrong. What shows a fault is the running machine itself.
/// </para>
/// <para>
/// The check: for each convolution (channels, kernel, stride, padding) and each LSTM or GRU (input and hidden size) of
/// the network, <see cref="Passes"/> float32 passes (forward, input gradient and weight gradient; for recurrent layers
/// also inference) under the fit's thread count, compared with one float64 pass, which libtorch computes without
/// oneDNN. A value that is not finite, that is off by more than 1e-3 (relative), or that differs from the first pass is a
/// fault. Each shape is checked once per process, a few milliseconds to a few tenths of a second (about a second for
/// ResNet-18's widest layers, which run fewer images). A fault turns oneDNN off
/// and is written once to stderr and to MLContext's log. <c>DEEPOPT_ONEDNN_CHECK=0</c> skips the check.
/// </para>
/// </remarks>
internal sealed class OneDnnCheck
{
    /// <summary>Float32 passes per layer shape: a fault seen in 1 pass of 12 is missed with odds of 1 in 6.</summary>
    public const int Passes = 20;

    private const double Tolerance = 1e-3;
    private const int Batch = 32;

    /// <summary>Multiply-adds of one forward pass of a convolution case, at most: up to 64→64 3×3 channels a case runs a
    /// batch of 32, wider ones fewer images (2 at least), so ResNet-18's 512-channel layers take about a second each.</summary>
    private const long ConvolutionBudget = 32L * 64 * 64 * 3 * 3 * 14 * 14;

    private readonly Func<LayerCase, string?> _check;
    private readonly object _gate = new();
    private readonly HashSet<string> _checked = [];

    /// <summary>The check of this process.</summary>
    public static OneDnnCheck Process { get; } = new(layer => layer.FirstFault(Passes));

    /// <param name="check">Runs one layer's passes and says what was wrong, or null.</param>
    internal OneDnnCheck(Func<LayerCase, string?> check)
    {
        _check = check;
    }

    /// <summary>What turned oneDNN off, or null while it is on or was turned off by someone else.</summary>
    public string? Fault { get; private set; }

    /// <summary>Checks the layers of <paramref name="network"/> that have not been checked yet.</summary>
    public void Ensure(nn.Module network, Device device, Action<string>? log) => Ensure(LayerCase.Of(network), device, log);

    /// <summary>Checks the given layer shapes that have not been checked yet.</summary>
    internal void Ensure(IEnumerable<LayerCase> layers, Device device, Action<string>? log)
    {
        if (device.type != DeviceType.CPU || Environment.GetEnvironmentVariable("DEEPOPT_ONEDNN_CHECK") == "0")
        {
            return;
        }

        lock (_gate)
        {
            foreach (var layer in layers)
            {
                if (Fault != null || LibTorchContext.OneDnnEnabled != true)
                {
                    return; // off already: nothing runs through oneDNN
                }

                if (!_checked.Add(layer.Name) || _check(layer) is not { } fault)
                {
                    continue;
                }

                Fault = $"{layer.Name}: {fault}";
                LibTorchContext.SetOneDnnEnabled(false);
                string message = $"DeepOpt: oneDNN computed a {layer.Name} wrongly on this machine ({fault}), so libtorch's own "
                    + "kernels compute convolutions and recurrent layers in this process from now on (slower, right). "
                    + "DEEPOPT_ONEDNN_CHECK=0 skips this check.";
                Console.Error.WriteLine(message);
                log?.Invoke(message);
            }
        }
    }

    /// <summary>
    /// The first fault over <paramref name="passes"/> calls of <paramref name="pass"/> against <paramref name="expected"/>
    /// (one array per named output), or null when every pass is finite, close to it and equal to the first.
    /// </summary>
    internal static string? FirstFault(int passes, Func<float[][]> pass, double[][] expected, string[] names)
    {
        float[][]? first = null;
        for (int p = 0; p < passes; p++)
        {
            var actual = pass();
            for (int k = 0; k < names.Length; k++)
            {
                for (int i = 0; i < actual[k].Length; i++)
                {
                    float value = actual[k][i];
                    double error = Math.Abs(value - expected[k][i]) / (1 + Math.Abs(expected[k][i]));
                    if (!float.IsFinite(value))
                    {
                        return $"{names[k]} was {value} at pass {p + 1} of {passes}";
                    }

                    if (error > Tolerance)
                    {
                        return $"{names[k]} was off by {error:G3} at pass {p + 1} of {passes}";
                    }
                }

                if (first != null && !first[k].AsSpan().SequenceEqual(actual[k]))
                {
                    return $"{names[k]} differed from the first pass at pass {p + 1} of {passes}";
                }
            }

            first ??= actual;
        }

        return null;
    }

    /// <summary>One layer shape to check, with a name that says which.</summary>
    internal abstract record LayerCase(string Name)
    {
        /// <summary>The convolutions and recurrent layers of a network, each shape once.</summary>
        public static IEnumerable<LayerCase> Of(nn.Module network)
        {
            foreach (var module in network.modules())
            {
                switch (module)
                {
                    case TorchSharp.Modules.Conv2d conv:
                        yield return new ConvolutionCase(conv.in_channels, conv.out_channels, conv.kernel_size[0], conv.stride[0], conv.padding?[0] ?? 0);
                        break;
                    case TorchSharp.Modules.LSTM or TorchSharp.Modules.GRU:
                        var inputWeight = module.named_parameters().First(p => p.name == "weight_ih_l0").parameter;
                        int gates = module is TorchSharp.Modules.LSTM ? 4 : 3;
                        yield return new RecurrentCase(module is TorchSharp.Modules.LSTM, inputWeight.shape[1], inputWeight.shape[0] / gates);
                        break;
                }
            }
        }

        /// <summary>Runs the float32 passes against a float64 reference and says what was wrong, or null.</summary>
        public abstract string? FirstFault(int passes);

        /// <summary>A tensor's values as floats, whatever its type and strides.</summary>
        protected static float[] Floats(Tensor t) => t.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();

        /// <summary>A tensor's values as doubles.</summary>
        protected static double[] Doubles(Tensor t) => t.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    /// <summary>A 2-d convolution with a square kernel, on channels-last 14×14 inputs as the CNN gives them.</summary>
    internal sealed record ConvolutionCase(long InChannels, long OutChannels, long Kernel, long Stride, long Padding)
        : LayerCase($"{Kernel}×{Kernel} convolution {InChannels}→{OutChannels} (stride {Stride}, padding {Padding})")
    {
        public override string? FirstFault(int passes)
        {
            using var scope = torch.NewDisposeScope();
            using var random = new Generator(1, torch.CPU);
            long size = Math.Max(14, Kernel + 2);
            using Scalar weightScale = (1 / Math.Sqrt(Kernel * Kernel * InChannels)).ToScalar(), biasScale = 0.1.ToScalar();
            var weight = torch.randn([OutChannels, InChannels, Kernel, Kernel], generator: random).mul_(weightScale);
            var bias = torch.randn([OutChannels], generator: random).mul_(biasScale);
            long batch = Math.Clamp(ConvolutionBudget / (InChannels * OutChannels * Kernel * Kernel * size * size), 2, Batch);
            var input = torch.rand([batch, InChannels, size, size], generator: random);
            var upstream = torch.randn(Pass(input, weight, bias, null)[0].shape, generator: random);
            var expected = Pass(input.to(ScalarType.Float64), weight.to(ScalarType.Float64), bias.to(ScalarType.Float64), upstream.to(ScalarType.Float64))
                .Select(Doubles).ToArray();
            return OneDnnCheck.FirstFault(passes, () => Pass(input, weight, bias, upstream).Select(Floats).ToArray(), expected,
                ["forward", "input gradient", "weight gradient"]);
        }

        private Tensor[] Pass(Tensor input, Tensor weight, Tensor bias, Tensor? upstream)
        {
            using var grad = torch.enable_grad();
            var x = Layers.ChannelsLast(input.clone()).requires_grad_(true);
            var w = weight.clone().requires_grad_(true);
            var y = nn.functional.conv2d(x, w, bias, strides: [Stride, Stride], padding: [Padding, Padding]);
            if (upstream is null)
            {
                return [y];
            }

            (y * upstream).sum().backward();
            return [y, x.grad!, w.grad!];
        }
    }

    /// <summary>A one-layer LSTM or GRU, batch first, on 12 steps, in inference and in training.</summary>
    internal sealed record RecurrentCase(bool Lstm, long InputSize, long HiddenSize)
        : LayerCase($"{(Lstm ? "LSTM" : "GRU")} {InputSize}→{HiddenSize}")
    {
        public override string? FirstFault(int passes)
        {
            using var scope = torch.NewDisposeScope();
            using var random = new Generator(1, torch.CPU);
            using var single = Create();
            using var reference = Create();
            using (torch.no_grad())
            {
                using Scalar scale = (1 / Math.Sqrt(HiddenSize)).ToScalar();
                foreach (var (target, source) in reference.parameters().Zip(single.parameters()))
                {
                    target.copy_(torch.randn(source.shape, generator: random).mul_(scale));
                    source.copy_(target);
                }
            }

            reference.to(ScalarType.Float64);
            var input = torch.randn([Batch, 12, InputSize], generator: random);
            var expected = Pass(reference, input.to(ScalarType.Float64)).Select(Doubles).ToArray();
            return OneDnnCheck.FirstFault(passes, () => Pass(single, input).Select(Floats).ToArray(), expected,
                ["inference output", "training output", "input gradient"]);
        }

        private nn.Module Create()
        {
            // The constructors initialise from libtorch's process-wide generator, whose state stays as the user left it.
            using var state = torch.get_rng_state();
            nn.Module layer = Lstm ? nn.LSTM(InputSize, HiddenSize, batchFirst: true) : nn.GRU(InputSize, HiddenSize, batchFirst: true);
            torch.set_rng_state(state);
            return layer;
        }

        private static Tensor[] Pass(nn.Module layer, Tensor input)
        {
            Tensor inference;
            layer.eval();
            using (torch.no_grad())
            {
                inference = Output(layer, input);
            }

            layer.train();
            using var grad = torch.enable_grad();
            var x = input.clone().requires_grad_(true);
            var training = Output(layer, x);
            training.sum().backward();
            layer.zero_grad();
            return [inference, training, x.grad!];
        }

        private static Tensor Output(nn.Module layer, Tensor input) =>
            layer is TorchSharp.Modules.LSTM lstm ? lstm.call(input, null).Item1 : ((TorchSharp.Modules.GRU)layer).call(input, null).Item1;
    }
}
