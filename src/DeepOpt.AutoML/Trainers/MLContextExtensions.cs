// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML;

namespace Microsoft.ML;

/// <summary>Puts DeepOpt's AutoML on <see cref="MLContext"/>, where ML.NET users look for it.</summary>
public static class DeepOptAutoMLContextExtensions
{
    /// <summary>Gets DeepOpt's AutoML catalog: sweepable trainers and experiments.</summary>
    /// <param name="context">The ML.NET context; its seed seeds the tuners.</param>
    /// <returns>The catalog.</returns>
    public static DeepOptAutoCatalog DeepOptAuto(this MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DeepOptAutoCatalog(context);
    }
}
