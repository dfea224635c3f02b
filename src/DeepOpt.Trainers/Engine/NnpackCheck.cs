// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// libtorch 2.10 asks whether NNPACK is usable each time it picks a kernel for a convolution that needs no gradient and
/// that oneDNN does not take (a single image, for instance), and where NNPACK cannot start (seen on an AMD EPYC VM) it
/// writes "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr every time: one line per prediction of a
/// PredictionEngine. This asks once, through libtorch's exported functions, and where NNPACK is not usable turns it off
/// (as <c>torch.backends.nnpack.set_flags(False)</c> would), which changes no result: libtorch would not have used it.
/// TorchSharp has no binding for either call; the names are the Itanium C++ ABI's, so this runs on Linux only.
/// </summary>
internal static class NnpackCheck
{
    private static int _checked;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte Available();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetEnabled(IntPtr context, byte enabled);

    /// <summary>Runs once per process; CNNs call it before their first convolution.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref _checked, 1) == 1 || !OperatingSystem.IsLinux())
        {
            return;
        }

        // TorchSharp loads libtorch from its own folders; once it has, dlopen finds the loaded copy by its name.
        torch.InitializeDeviceType(DeviceType.CPU);
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library))
        {
            return;
        }

        if (NativeLibrary.TryGetExport(library, "_ZN2at6native17_nnpack_availableEv", out var available)
            && NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var context)
            && NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setEnabled)
            && Marshal.GetDelegateForFunctionPointer<Available>(available)() == 0)
        {
            Marshal.GetDelegateForFunctionPointer<SetEnabled>(setEnabled)(Marshal.GetDelegateForFunctionPointer<GlobalContext>(context)(), 0);
        }
    }
}
