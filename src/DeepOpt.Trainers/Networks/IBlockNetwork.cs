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

/// <summary>Which block a parameter or buffer belongs to, by its name.</summary>
internal static class NetworkBlocks
{
    /// <summary>The index of the block one of whose prefixes starts <paramref name="name"/> (compared ordinally), or
    /// -1 when none does; the last block is the output layer.</summary>
    public static int IndexOf(this IReadOnlyList<string[]> blocks, string name)
    {
        for (int i = 0; i < blocks.Count; i++)
        {
            if (Array.Exists(blocks[i], prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return -1;
    }
}
