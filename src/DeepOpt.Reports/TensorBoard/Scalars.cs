// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp.Modules;

namespace DeepOpt.Reports.TensorBoard;

/// <summary>Writes optional scalars, skipping the missing and the non-finite (TensorBoard cannot chart NaN usefully).</summary>
internal static class Scalars
{
    /// <summary>Writes each present, finite value under its tag at one step.</summary>
    /// <param name="writer">The event file's writer.</param>
    /// <param name="step">The step (epoch, trial id).</param>
    /// <param name="values">Tags and values.</param>
    public static void Write(SummaryWriter writer, int step, params (string Tag, double? Value)[] values)
    {
        foreach (var (tag, value) in values)
        {
            if (value is double v && double.IsFinite(v))
            {
                writer.add_scalar(tag, (float)v, step);
            }
        }
    }
}
