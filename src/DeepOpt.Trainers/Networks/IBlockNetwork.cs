// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// A network whose parameters fall into blocks in order from the input to the output, so fine-tuning can freeze the
/// first blocks and tell the output layer from the rest.
/// </summary>
internal interface IBlockNetwork
{
    /// <summary>Gets the blocks, from the input to the output layer (the last block); each block is the prefixes of its
    /// parameter and buffer names (for example "layers.fc0." and "layers.bn0.").</summary>
    IReadOnlyList<string[]> Blocks { get; }
}
