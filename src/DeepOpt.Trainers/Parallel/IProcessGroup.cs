// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>
/// The processes that train one model together, data-parallel, as PyTorch's process group: every process runs the same
/// <c>Fit</c> on the same data, takes its slice of every batch, and the gradients are summed over the group before each
/// optimizer step, so every process holds the same weights. Give it to a fit as <see cref="DeepFitContext.ProcessGroup"/>;
/// <see cref="MpiProcessGroup"/> runs it over MPI.
/// </summary>
public interface IProcessGroup
{
    /// <summary>This process's index in the group, from 0.</summary>
    int Rank { get; }

    /// <summary>The processes in the group.</summary>
    int Size { get; }

    /// <summary>Sums <paramref name="values"/> over the group, element by element and in place: afterwards every
    /// process holds the same sums. Every process calls it with as many values.</summary>
    /// <param name="values">This process's values, replaced by the sums.</param>
    void AllReduceSum(float[] values);

    /// <summary>Copies <paramref name="root"/>'s values to every process, in place.</summary>
    /// <param name="values">The root's values to send, or this process's buffer to receive them.</param>
    /// <param name="root">The rank that sends.</param>
    void Broadcast(float[] values, int root);
}
