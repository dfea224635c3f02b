// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// libtorch's global settings (<c>at::globalContext()</c>) that PyTorch reaches through <c>torch.backends</c> and that
/// TorchSharp 0.107 does not bind: found once among libtorch_cpu's exports under their Itanium C++ ABI names, so on
/// Linux only. Each setting is null where the export is missing.
/// </summary>
internal static class LibTorchContext
{
    private static readonly Lazy<IntPtr> s_library = new(Load);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte GetFlag(IntPtr context);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetFlag(IntPtr context, byte value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte StaticFlag();

    /// <summary>Whether NNPACK can start on this machine (<c>at::native::_nnpack_available</c>), or null.</summary>
    public static bool? NnpackAvailable =>
        Export<StaticFlag>("_ZN2at6native17_nnpack_availableEv") is { } available ? available() != 0 : null;

    /// <summary>Whether libtorch may use oneDNN (<c>torch.backends.mkldnn.enabled</c>), or null.</summary>
    public static bool? OneDnnEnabled => Get("_ZNK2at7Context17userEnabledMkldnnEv");

    /// <summary>Turns NNPACK on or off (<c>torch.backends.nnpack.set_flags</c>); false where that cannot be done.</summary>
    public static bool SetNnpackEnabled(bool enabled) => Set("_ZN2at7Context20setUserEnabledNNPACKEb", enabled);

    /// <summary>Turns oneDNN on or off for convolutions and recurrent layers; false where that cannot be done.</summary>
    public static bool SetOneDnnEnabled(bool enabled) => Set("_ZN2at7Context20setUserEnabledMkldnnEb", enabled);

    private static bool? Get(string symbol) =>
        Export<GetFlag>(symbol) is { } get && Export<GlobalContext>("_ZN2at13globalContextEv") is { } context
            ? get(context()) != 0
            : null;

    private static bool Set(string symbol, bool value)
    {
        if (Export<SetFlag>(symbol) is not { } set || Export<GlobalContext>("_ZN2at13globalContextEv") is not { } context)
        {
            return false;
        }

        set(context(), value ? (byte)1 : (byte)0);
        return true;
    }

    private static T? Export<T>(string symbol)
        where T : Delegate =>
        s_library.Value != IntPtr.Zero && NativeLibrary.TryGetExport(s_library.Value, symbol, out var address)
            ? Marshal.GetDelegateForFunctionPointer<T>(address)
            : null;

    private static IntPtr Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return IntPtr.Zero;
        }

        // TorchSharp loads libtorch from its own folders; once it has, dlopen finds the loaded copy by its name.
        torch.InitializeDeviceType(DeviceType.CPU);
        return NativeLibrary.TryLoad("libtorch_cpu.so", out var library) ? library : IntPtr.Zero;
    }
}
