// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>How a batch is cut between replicas or ranks: into contiguous slices as equal as possible, the first ones a
/// row longer, and into fewer slices when the batch (a short last one) has too few rows for every part.</summary>
internal static class BatchSlices
{
    /// <summary>The rows of each slice that gets any.</summary>
    /// <param name="size">The batch's rows.</param>
    /// <param name="parts">The replicas or ranks.</param>
    /// <param name="rowsPerSlice">The fewest rows a slice may have (2 with batch norm).</param>
    public static int[] Of(int size, int parts, int rowsPerSlice)
    {
        int active = Math.Clamp(size / rowsPerSlice, 1, parts);
        return Enumerable.Range(0, active).Select(i => (size / active) + (i < size % active ? 1 : 0)).ToArray();
    }
}
