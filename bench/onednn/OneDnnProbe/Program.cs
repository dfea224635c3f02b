// Licensed under the MIT license. See LICENSE in the repository root.

// Checks libtorch's float32 convolutions and LSTMs against the same layers in float64 (which libtorch computes with its
// own kernels, not oneDNN's), TorchSharp alone, with no DeepOpt code. The caller sets ONEDNN_MAX_CPU_ISA for the process;
// this program sets glibc's malloc as asked before the first tensor exists. One JSON line per case.
// Usage: OneDnnProbe [--malloc plain|tuned] [--perturb BYTE] [--passes N] [--threads N] [--gc-stress] [--onednn-off] [--case C ...]
//   C: conv:IN:OUT:BATCH:nchw|cl (forward, input gradient and weight gradient) or lstm:HIDDEN:BATCH:infer|train
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

string malloc = "plain";
int perturb = 0, passes = 200, threads = 2;
bool gcStress = false, oneDnnOff = false;
var cases = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--malloc": malloc = args[++i]; break;
        case "--perturb": perturb = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--passes": passes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--gc-stress": gcStress = true; break;
        case "--onednn-off": oneDnnOff = true; break;
        case "--case": cases.Add(args[++i]); break;
        default: Console.Error.WriteLine($"Unknown option {args[i]}."); return 2;
    }
}

if (malloc == "tuned")
{
    // What DeepOpt.Trainers' MallocTuning sets: mmap threshold 32 MiB, no trimming, no mmap.
    Native.mallopt(-3, 32 << 20);
    Native.mallopt(-1, int.MaxValue);
    Native.mallopt(-4, 0);
}

if (perturb != 0)
{
    // glibc fills each block it hands out with ~perturb and each block freed with perturb: memory read before it is
    // written then holds garbage instead of whatever an earlier tensor left there.
    Native.mallopt(-6, perturb);
}

if (cases.Count == 0)
{
    cases.AddRange(["conv:1:8:32:nchw", "conv:4:4:32:nchw", "conv:4:6:32:nchw", "conv:8:4:32:nchw", "conv:8:8:32:nchw", "conv:16:8:32:nchw", "conv:16:12:32:nchw", "conv:24:48:32:nchw", "conv:32:64:32:nchw", "conv:64:10:32:nchw",
        "conv:1:8:128:cl", "conv:16:8:128:cl", "lstm:16:32:infer", "lstm:64:32:infer", "lstm:16:32:train"]);
}

torch.set_num_threads(threads);
if (oneDnnOff)
{
    // What torch.backends.mkldnn.enabled = False does: at::globalContext().setUserEnabledMkldnn(false).
    var library = NativeLibrary.Load("libtorch_cpu.so");
    var context = Marshal.GetDelegateForFunctionPointer<Native.GlobalContext>(NativeLibrary.GetExport(library, "_ZN2at13globalContextEv"))();
    Marshal.GetDelegateForFunctionPointer<Native.SetFlag>(NativeLibrary.GetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb"))(context, 0);
}

using var stop = new CancellationTokenSource();
var collector = gcStress ? Task.Run(() => { while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); } }) : Task.CompletedTask;
string isa = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? "unset";
foreach (string spec in cases)
{
    var watch = Stopwatch.StartNew();
    var result = spec.StartsWith("conv:", StringComparison.Ordinal) ? Probe.Convolution(spec, passes) : Probe.Lstm(spec, passes);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"isa\":\"{isa}\",\"malloc\":\"{malloc}\",\"perturb\":{perturb},\"gc\":{(gcStress ? "true" : "false")},\"case\":\"{spec}\",\"passes\":{passes},\"wrong\":{result.Wrong},\"nonfinite\":{result.NonFinite},\"unrepeatable\":{result.Unrepeatable},\"max_error\":{result.MaxError:G4},\"first_wrong\":\"{result.FirstWrong}\",\"seconds\":{watch.Elapsed.TotalSeconds:F1}}}"));
}

stop.Cancel();
collector.Wait();
return 0;

/// <summary>What went wrong over the passes of one case.</summary>
internal sealed record Outcome(int Wrong, int NonFinite, int Unrepeatable, double MaxError, string FirstWrong);

internal static class Probe
{
    private const double Tolerance = 1e-3;

    /// <summary>A 3×3 convolution, padding 1, on 14×14 inputs: forward, input gradient and weight gradient.</summary>
    public static Outcome Convolution(string spec, int passes)
    {
        string[] parts = spec.Split(':');
        int inChannels = int.Parse(parts[1], CultureInfo.InvariantCulture), outChannels = int.Parse(parts[2], CultureInfo.InvariantCulture);
        int batch = int.Parse(parts[3], CultureInfo.InvariantCulture);
        bool channelsLast = parts[4] == "cl";
        torch.manual_seed(1);
        using var weight = torch.randn(outChannels, inChannels, 3, 3) * (1.0 / Math.Sqrt(9 * inChannels));
        using var bias = torch.randn(outChannels) * 0.1;
        using var input = torch.rand(batch, inChannels, 14, 14);
        using var upstream = torch.randn(batch, outChannels, 14, 14);
        var expected = Pass(input.to(ScalarType.Float64), weight.to(ScalarType.Float64), bias.to(ScalarType.Float64), upstream.to(ScalarType.Float64), false);
        return Repeat(passes, () => Pass(input, weight, bias, upstream, channelsLast), expected, ["forward", "input gradient", "weight gradient"]);
    }

    /// <summary>A one-layer LSTM on 12 steps of 8 features, batch first; in training also the input gradient.</summary>
    public static Outcome Lstm(string spec, int passes)
    {
        string[] parts = spec.Split(':');
        int hidden = int.Parse(parts[1], CultureInfo.InvariantCulture), batch = int.Parse(parts[2], CultureInfo.InvariantCulture);
        bool train = parts[3] == "train";
        torch.manual_seed(1);
        using var lstm = nn.LSTM(8, hidden, batchFirst: true);
        using var lstm64 = nn.LSTM(8, hidden, batchFirst: true);
        lstm64.to(ScalarType.Float64);
        using (torch.no_grad())
        {
            foreach (var (target, source) in lstm64.parameters().Zip(lstm.parameters()))
            {
                target.copy_(source);
            }
        }

        using var input = torch.randn(batch, 12, 8);
        var expected = LstmPass(lstm64, input.to(ScalarType.Float64), train);
        return Repeat(passes, () => LstmPass(lstm, input, train), expected, train ? ["output", "input gradient"] : ["output"]);
    }

    private static float[][] Pass(Tensor input, Tensor weight, Tensor bias, Tensor upstream, bool channelsLast)
    {
        using var scope = torch.NewDisposeScope();
        var x = (channelsLast ? input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : input.clone()).requires_grad_(true);
        var w = (channelsLast ? weight.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : weight.clone()).requires_grad_(true);
        var y = nn.functional.conv2d(x, w, bias, padding: new long[] { 1, 1 });
        (y * upstream).sum().backward();
        return [Floats(y), Floats(x.grad!), Floats(w.grad!)];
    }

    private static float[][] LstmPass(TorchSharp.Modules.LSTM lstm, Tensor input, bool train)
    {
        using var scope = torch.NewDisposeScope();
        if (!train)
        {
            lstm.eval();
            using var noGrad = torch.no_grad();
            return [Floats(lstm.forward(input, null).Item1)];
        }

        lstm.train();
        var x = input.clone().requires_grad_(true);
        var output = lstm.forward(x, null).Item1;
        output.sum().backward();
        lstm.zero_grad();
        return [Floats(output), Floats(x.grad!)];
    }

    private static Outcome Repeat(int passes, Func<float[][]> pass, float[][] expected, string[] names)
    {
        int wrong = 0, nonFinite = 0, unrepeatable = 0;
        double maxError = 0;
        string firstWrong = "";
        float[][]? first = null;
        for (int p = 0; p < passes; p++)
        {
            var actual = pass();
            bool bad = false, finite = true;
            for (int k = 0; k < names.Length; k++)
            {
                double error = 0;
                for (int i = 0; i < actual[k].Length; i++)
                {
                    float a = actual[k][i];
                    finite &= float.IsFinite(a);
                    double e = Math.Abs(a - expected[k][i]) / (1 + Math.Abs(expected[k][i]));
                    error = double.IsNaN(e) ? double.PositiveInfinity : Math.Max(error, e);
                }

                maxError = Math.Max(maxError, error);
                if (error > Tolerance && firstWrong.Length == 0)
                {
                    firstWrong = $"{names[k]} at pass {p}";
                }

                bad |= error > Tolerance;
            }

            wrong += bad ? 1 : 0;
            nonFinite += finite ? 0 : 1;
            first ??= actual;
            unrepeatable += first.Zip(actual).Any(pair => !pair.First.AsSpan().SequenceEqual(pair.Second)) ? 1 : 0;
        }

        return new Outcome(wrong, nonFinite, unrepeatable, maxError, firstWrong);
    }

    private static float[] Floats(Tensor t) => t.to(ScalarType.Float32).contiguous().data<float>().ToArray();
}

internal static class Native
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void SetFlag(IntPtr context, byte value);

    [DllImport("libc")]
    public static extern int mallopt(int parameter, int value);
}
