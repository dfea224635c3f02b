// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepOpt.Trainers;

/// <summary>
/// libtorch 2.10's oneDNN returns NaN now and then from the AVX-512 convolution backward pass when it runs on more
/// than one thread on AMD processors with AVX-512 (seen on an AMD EPYC with 2 threads: about 1 in 20 backward passes of a
/// 3×3 convolution with 8 input channels; never with one thread or with oneDNN limited to AVX2). Before anything can
/// create a oneDNN primitive, this caps oneDNN at AVX2 on such processors through its ONEDNN_MAX_CPU_ISA variable,
/// unless the user has set that variable. It writes the native environment (libc setenv), which oneDNN reads;
/// .NET's Environment.SetEnvironmentVariable does not reach it on Linux.
/// </summary>
internal static class OneDnnWorkaround
{
    private const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>True when this process capped oneDNN at AVX2.</summary>
    public static bool Applied { get; private set; }

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
                Applied = SetEnvironment(Variable, "AVX2", 0) == 0;
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
