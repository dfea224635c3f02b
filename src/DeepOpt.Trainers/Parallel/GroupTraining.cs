// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// The engine's side of a <see cref="DeepFitContext.ProcessGroup"/>: every process shuffles the same way, takes its
/// contiguous slice of every batch, and before each optimizer step sums over the group one vector that holds the
/// gradients, the batch-norm running statistics weighted by the process's rows, and the slice's loss. Every process then
/// takes the same step. Rank 0's weights are sent to all at the start and after every epoch, so that a float sum that an
/// MPI library rounds differently on some process cannot make the copies drift apart.
/// </summary>
internal sealed class GroupTraining : IDisposable
{
    private readonly IProcessGroup _group;
    private readonly nn.Module<Tensor, Tensor> _network;
    private float[]? _packed;
    private Tensor? _flat;

    private GroupTraining(IProcessGroup group, nn.Module<Tensor, Tensor> network)
    {
        _group = group;
        _network = network;
    }

    /// <summary>This process's rank.</summary>
    public int Rank => _group.Rank;

    /// <summary>Checks that every process trains the same thing and gives all rank 0's weights; null without a group of 2 or more.</summary>
    /// <param name="group">The group, or null.</param>
    /// <param name="network">This process's initialised network.</param>
    /// <param name="fingerprint">What every process must agree on: rows, sizes, batch size, epochs, seed.</param>
    public static GroupTraining? Start(IProcessGroup? group, nn.Module<Tensor, Tensor> network, IReadOnlyList<(string Name, double Value)> fingerprint)
    {
        if (group is not { Size: > 1 })
        {
            return null;
        }

        var mine = fingerprint.Select(f => (float)f.Value).ToArray();
        var first = (float[])mine.Clone();
        group.Broadcast(first, 0);
        var differs = new[] { mine.SequenceEqual(first) ? 0f : 1f };
        group.AllReduceSum(differs);
        if (differs[0] > 0)
        {
            string what = string.Join(", ", fingerprint.Select((f, i) => mine[i] == first[i] ? null : $"{f.Name} {mine[i]} (rank 0: {first[i]})").Where(d => d != null));
            throw new InvalidOperationException(what.Length > 0
                ? $"Rank {group.Rank} of the process group trains on other data or options than rank 0: {what}. Every process must run the same Fit on the same data with the same options and seed."
                : $"{differs[0]} processes of the group train on other data or options than rank 0. Every process must run the same Fit on the same data with the same options and seed.");
        }

        var training = new GroupTraining(group, network);
        training.ShareWeights();
        return training;
    }

    /// <summary>This process's slice of a batch of <paramref name="size"/> rows: a short last batch leaves the ranks
    /// after the first size / <paramref name="rowsPerSlice"/> without rows.</summary>
    public (int Offset, int Rows) SliceOf(int size, int rowsPerSlice)
    {
        var rows = BatchSlices.Of(size, _group.Size, rowsPerSlice);
        return _group.Rank < rows.Length ? (rows.Take(_group.Rank).Sum(), rows[_group.Rank]) : (size, 0);
    }

    /// <summary>Sums the gradients and the slice losses over the group and averages the running statistics by rows.</summary>
    /// <param name="value">This process's slice loss (already scaled by its share of the batch), 0 without rows.</param>
    /// <param name="rows">This process's rows of the batch.</param>
    /// <param name="size">The batch's rows.</param>
    /// <returns>The batch's loss.</returns>
    public float Reduce(float value, int rows, int size)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var parameters = _network.parameters().Where(p => p.requires_grad).ToList();
        var buffers = _network.buffers().Where(b => b.is_floating_point()).ToList();
        var flat = Packed(parameters.Sum(p => p.numel()) + buffers.Sum(b => b.numel()) + 1);
        using Scalar weight = ((double)rows / size).ToScalar();
        long at = 0;
        foreach (var parameter in parameters)
        {
            var part = flat.narrow(0, at, parameter.numel());
            if (parameter.grad is { } gradient)
            {
                part.copy_(gradient.flatten());
            }
            else
            {
                part.zero_();
            }

            at += parameter.numel();
        }

        foreach (var buffer in buffers)
        {
            flat.narrow(0, at, buffer.numel()).copy_(buffer.flatten().mul(weight));
            at += buffer.numel();
        }

        _packed![^1] = value;
        _group.AllReduceSum(_packed);
        at = 0;
        foreach (var parameter in parameters)
        {
            var sum = flat.narrow(0, at, parameter.numel()).view(parameter.shape);
            if (parameter.grad is { } gradient)
            {
                gradient.copy_(sum);
            }
            else
            {
                parameter.grad = sum.to(parameter.dtype, parameter.device, copy: true);
            }

            at += parameter.numel();
        }

        foreach (var buffer in buffers)
        {
            buffer.copy_(flat.narrow(0, at, buffer.numel()).view(buffer.shape));
            at += buffer.numel();
        }

        return _packed[^1];
    }

    /// <summary>Rank 0's validation loss and metric, on every rank, bit for bit: early stopping and the schedule then
    /// decide alike on every rank even where machines round differently.</summary>
    public (double? Loss, double? Metric) Agree(double? loss, double? metric)
    {
        var bits = new[] { loss ?? double.NaN, metric ?? double.NaN }.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
        var values = new float[bits.Length / sizeof(float)];
        Buffer.BlockCopy(bits, 0, values, 0, bits.Length);
        _group.Broadcast(values, 0);
        Buffer.BlockCopy(values, 0, bits, 0, bits.Length);
        double first = BitConverter.ToDouble(bits, 0), second = BitConverter.ToDouble(bits, sizeof(double));
        return (loss == null ? null : first, metric == null ? null : second);
    }

    /// <inheritdoc/>
    public void Dispose() => _flat?.Dispose();

    /// <summary>The vector that the group sums, kept from step to step (a step's gradients would otherwise be a large
    /// new array each time), as a tensor on the CPU that shares <see cref="_packed"/>'s memory.</summary>
    private Tensor Packed(long count)
    {
        if (_packed?.Length != count)
        {
            _flat?.Dispose();
            _packed = new float[count];
            _flat = torch.frombuffer(_packed, ScalarType.Float32).DetachFromDisposeScope();
        }

        return _flat!;
    }

    /// <summary>Gives every process rank 0's parameters and buffers.</summary>
    public void ShareWeights()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var tensors = _network.parameters().Cast<Tensor>().Concat(_network.buffers().Where(b => b.is_floating_point())).ToList();
        var packed = torch.cat(tensors.Select(t => t.flatten().to(ScalarType.Float32).cpu()).ToList()).data<float>().ToArray();
        _group.Broadcast(packed, 0);
        using var shared = torch.tensor(packed);
        long at = 0;
        foreach (var tensor in tensors)
        {
            tensor.copy_(shared.narrow(0, at, tensor.numel()).view(tensor.shape));
            at += tensor.numel();
        }
    }
}
