// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.AutoML;

/// <summary>The models trials fit: a featurizer shared by every trial, followed by the trial's own network.</summary>
internal static class TrialModels
{
    public static ITransformer Chain(ITransformer? featurizer, ITransformer trained)
        => featurizer == null ? trained : new TransformerChain<ITransformer>(featurizer, trained);

    /// <summary>Releases the trial's network (native memory) and leaves the shared featurizer alone.</summary>
    public static void Release(ITransformer? model)
    {
        var own = model is TransformerChain<ITransformer> chain ? chain.LastTransformer : model;
        (own as IDisposable)?.Dispose();
    }
}
