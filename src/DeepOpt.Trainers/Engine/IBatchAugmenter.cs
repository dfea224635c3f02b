// Licensed under the MIT license. See LICENSE in the repository root.

using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>Changes each training batch at random, seeded; the engine calls it in training only, never for validation or prediction.</summary>
internal interface IBatchAugmenter
{
    /// <summary>Returns the augmented batch, in the same flat layout as the input.</summary>
    Tensor Augment(Tensor batch);
}
