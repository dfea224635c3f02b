// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>Picks the device: the one named in the options, else CUDA when it is available, else the CPU.</summary>
internal static class Devices
{
    private const string Fix = "Leave `Device` null to use CUDA when it is available and the CPU otherwise, or set it to \"cpu\".";

    public static Device Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return torch.cuda.is_available() ? CUDA : CPU;
        }

        Check(name);
        return torch.device(name.Trim().ToLowerInvariant());
    }

    /// <summary>Throws when <paramref name="name"/> is not "cpu", "cuda" or "cuda:N", or names a CUDA device this machine lacks.</summary>
    /// <param name="name">The <see cref="DeepTrainerOptions.Device"/> option; null or blank picks automatically.</param>
    public static void Check(string? name)
    {
        // Only a CUDA name asks libtorch how many devices there are: "cpu" and null need no native call.
        if (Parse(name) is int)
        {
            Check(name, torch.cuda.is_available() ? torch.cuda.device_count() : 0);
        }
    }

    /// <summary>The check of <see cref="Check(string?)"/> against a given number of CUDA devices.</summary>
    /// <param name="name">The option's value.</param>
    /// <param name="cudaDevices">The CUDA devices this machine has.</param>
    public static void Check(string? name, int cudaDevices)
    {
        if (Parse(name) is not int index)
        {
            return;
        }

        if (cudaDevices == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Device), name,
                $"`Device` is \"{name}\", but CUDA is not available here: TorchSharp sees no CUDA GPU (that needs an NVIDIA driver and a CUDA build of libtorch, such as the TorchSharp-cuda-linux package, instead of TorchSharp-cpu), so the only device is \"cpu\". {Fix}");
        }

        if (index >= cudaDevices)
        {
            string available = string.Join(", ", Enumerable.Range(0, cudaDevices).Select(i => $"\"cuda:{i}\""));
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Device), name,
                $"`Device` is \"{name}\", but this machine has {cudaDevices} CUDA device{(cudaDevices == 1 ? "" : "s")}: {available} and \"cpu\". Use one of them, or leave `Device` null to use CUDA when it is available.");
        }
    }

    /// <summary>Null for automatic or the CPU, else the CUDA index (0 for "cuda"); throws on anything else.</summary>
    private static int? Parse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        string text = name.Trim().ToLowerInvariant();
        if (text == "cpu")
        {
            return null;
        }

        if (text == "cuda")
        {
            return 0;
        }

        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && text.Length > 5 && text[5..].All(char.IsAsciiDigit)
            && int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return index;
        }

        throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Device), name,
            $"`Device` must be \"cpu\", \"cuda\" or \"cuda:N\" (N the GPU's index, from 0), but got '{name}'. {Fix}");
    }
}
