// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>Picks the device: the one named in the options, else CUDA when it is available, else the CPU.</summary>
internal static class Devices
{
    public static Device Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return torch.cuda.is_available() ? CUDA : CPU;
        }

        try
        {
            return torch.device(name);
        }
        catch (Exception ex) when (ex is ArgumentException or ExternalException)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Device), name, $"`Device` must be \"cpu\", \"cuda\" or \"cuda:N\", but got '{name}'.");
        }
    }
}
