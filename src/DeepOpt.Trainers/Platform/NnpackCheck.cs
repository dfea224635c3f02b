// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// libtorch 2.10 asks whether NNPACK is usable each time it picks a kernel for a convolution that needs no gradient and
/// that oneDNN does not take (a single image, for instance), and where NNPACK cannot start (seen on an AMD EPYC VM) it
/// writes "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr every time: one line per prediction of a
/// PredictionEngine. This asks once and, where NNPACK is not usable, turns it off (as
/// <c>torch.backends.nnpack.set_flags(False)</c> would), which changes no result: libtorch would not have used it.
/// </summary>
internal static class NnpackCheck
{
    private static int _checked;

    /// <summary>Runs once per process; CNNs call it before their first convolution.</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref _checked, 1) == 0 && LibTorchContext.NnpackAvailable == false)
        {
            LibTorchContext.SetNnpackEnabled(false);
        }
    }
}
