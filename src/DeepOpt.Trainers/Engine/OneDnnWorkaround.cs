// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepOpt.Trainers;

/// <summary>
/// libtorch 2.10's oneDNN gives wrong results from some of its AVX-512 kernels on AMD processors with AVX-512. Seen on
/// an AMD EPYC (Zen 5) on 2 threads: the input gradient of a 3×3 convolution with 8 output channels was NaN in about 1
/// pass of 10 and differed from pass to pass; a forward 24→48 convolution returned NaN; an LSTM of 16 units gave
/// outputs off by up to 0.67 in inference. Capped at AVX2 all of these were right, except the input gradient for
/// fewer than 8 output channels, which <see cref="SmallConvolution"/> avoids. Before anything can create a oneDNN
/// primitive, this caps oneDNN at AVX2 on such processors through its ONEDNN_MAX_CPU_ISA variable, unless the user has
/// set that variable. It writes the native environment (libc setenv), which oneDNN reads; .NET's
/// Environment.SetEnvironmentVariable does not reach it on Linux.
/// </summary>
internal static class OneDnnWorkaround
{
    private const string Variable = "ONEDNN_MAX_CPU_ISA";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "oneDNN reads the variable once, at its first primitive; only a module initializer runs before any DeepOpt code can reach TorchSharp.")]
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64
            || Environment.GetEnvironmentVariable(Variable) != null || Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA") != null)
        {
            return;
        }

        try
        {
            string cpu = File.ReadAllText("/proc/cpuinfo");
            if (cpu.Contains("AuthenticAMD", StringComparison.Ordinal) && cpu.Contains(" avx512f", StringComparison.Ordinal))
            {
                SetEnvironment(Variable, "AVX2", 0);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // Without /proc or libc the workaround cannot apply; training still runs.
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment(string name, string value, int overwrite);
}
