// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Data-parallel training in one process (<see cref="DeepTrainerOptions.Replicas"/>): the network being trained is
/// replica 0, run on the fit's own thread; each other replica is a copy on its own device (CUDA) or its own thread
/// group (CPU), run by a <see cref="ReplicaWorker"/>. A batch is cut into one contiguous slice per replica; each
/// replica runs forward and backward on its slice with the slice's loss scaled by its share of the batch, so the
/// gradients summed into replica 0 are those of the whole batch (and its batch-norm running statistics the mean of
/// the replicas'). The optimizer steps replica 0 alone, and <see cref="Synchronize"/> then copies its weights to the others.
/// </summary>
/// <remarks>
/// The gradients are summed in replica order and each replica's dropout draws from its own generator, seeded from the
/// fit's seed and the replica's index, so a fit is the same for the same seed whatever order the threads finish in.
/// </remarks>
internal sealed class ReplicaGroup : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _first;
    private readonly List<nn.Module<Tensor, Tensor>> _copies = [];
    private readonly List<Device> _devices = [];
    private readonly List<ReplicaWorker> _workers = [];
    private readonly List<Generator> _dropoutRandom = [];
    private int[] _lastRows = [];

    private ReplicaGroup(nn.Module<Tensor, Tensor> first) => _first = first;

    /// <summary>The replicas, the trained network included.</summary>
    public int Count => _copies.Count + 1;

    /// <summary>Makes the replicas of <paramref name="network"/>, or returns null for a single replica.</summary>
    /// <param name="network">The network being trained, initialised, on <paramref name="device"/>; it is replica 0.</param>
    /// <param name="build">Builds another network of the same shape.</param>
    /// <param name="count">The replicas, <paramref name="network"/> included.</param>
    /// <param name="device">The network's device: CUDA replicas take the devices after it, CPU replicas stay on the CPU.</param>
    /// <param name="threads">Intra-op threads per CPU replica.</param>
    /// <param name="seed">The fit's seed, from which each replica's dropout generator is seeded.</param>
    public static ReplicaGroup? Create(nn.Module<Tensor, Tensor> network, Func<nn.Module<Tensor, Tensor>> build, int count, Device device, int threads, int seed)
    {
        if (count == 1)
        {
            return null;
        }

        var group = new ReplicaGroup(network);
        try
        {
            for (int replica = 1; replica < count; replica++)
            {
                var copyDevice = device.type == DeviceType.CUDA ? torch.device(DeviceType.CUDA, Math.Max(device.index, 0) + replica) : device;
                var copy = build();
                group._copies.Add(copy);
                CheckSameShape(network, copy);
                copy.to(copyDevice);
                group._devices.Add(copyDevice);
                var random = new Generator(unchecked((ulong)seed + (ulong)replica * 0x9E3779B97F4A7C15UL), copyDevice);
                group._dropoutRandom.Add(random);
                SeededDropout.UseGenerator(copy, random);
                group._workers.Add(new ReplicaWorker($"DeepOpt replica {replica}", threads));
            }

            group.Synchronize();
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>Throws, before training, when the fit's device is CUDA without a device per replica.</summary>
    /// <param name="count">The replicas.</param>
    /// <param name="type">The fit's device type.</param>
    /// <param name="index">The fit's device index (-1 for the default).</param>
    /// <param name="cudaDevices">The CUDA devices this machine has.</param>
    public static void CheckDevices(int count, DeviceType type, int index, int cudaDevices)
    {
        int first = Math.Max(index, 0);
        if (count > 1 && type == DeviceType.CUDA && first + count > cudaDevices)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.Replicas), count,
                $"`Replicas` = {count} on CUDA needs a device per replica, cuda:{first} to cuda:{first + count - 1}, but this machine has {cudaDevices} CUDA device{(cudaDevices == 1 ? "" : "s")}. Lower `Replicas`, or set `Device` = \"cpu\" to run the replicas on groups of CPU threads.");
        }
    }

    /// <summary>Gives the copies the trained network's modes (training or evaluation, module by module) and its
    /// frozen parameters; call it after the network's own are set for an epoch.</summary>
    public void MirrorModes()
    {
        var modules = _first.modules().ToList();
        var parameters = _first.parameters().ToList();
        foreach (var copy in _copies)
        {
            foreach (var (mine, theirs) in modules.Zip(copy.modules()))
            {
                theirs.train(mine.training);
            }

            foreach (var (mine, theirs) in parameters.Zip(copy.parameters()))
            {
                theirs.requires_grad = mine.requires_grad;
            }
        }
    }

    /// <summary>Runs <paramref name="learn"/> (forward and backward of one slice, returning the slice's scaled loss) on
    /// every replica at once, waits for all, and sums the copies' gradients into the trained network's.</summary>
    /// <param name="input">The whole batch.</param>
    /// <param name="target">Its targets.</param>
    /// <param name="rowsPerReplica">The fewest rows a replica may get (2 with batch norm); a short last batch uses fewer replicas.</param>
    /// <param name="learn">Given a replica's network, its slice of input and target, and the replica's index.</param>
    /// <returns>The sum of the slices' values: the batch's loss.</returns>
    public float Learn(Tensor input, Tensor target, int rowsPerReplica, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, int, float> learn)
    {
        _lastRows = BatchSlices.Of((int)input.shape[0], Count, rowsPerReplica);
        int active = _lastRows.Length;
        var values = new float[active];
        var work = new Task[active - 1];
        int start = 0;
        for (int replica = 0; replica < active; replica++)
        {
            int rows = _lastRows[replica];
            int offset = start, index = replica;
            start += rows;
            if (replica > 0)
            {
                var copy = _copies[replica - 1];
                var device = _devices[replica - 1];
                work[replica - 1] = _workers[replica - 1].Run(() =>
                {
                    using var scope = torch.NewDisposeScope();
                    values[index] = learn(copy, input.narrow(0, offset, rows).to(device), target.narrow(0, offset, rows).to(device), index);
                });
            }
        }

        Exception? failure = null;
        try
        {
            using var scope = torch.NewDisposeScope();
            values[0] = learn(_first, input.narrow(0, 0, _lastRows[0]), target.narrow(0, 0, _lastRows[0]), 0);
        }
        catch (Exception e)
        {
            failure = e;
        }

        // Every replica finishes before anything returns: the batch's tensors belong to the caller's scope.
        foreach (var task in work)
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }

        if (failure != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        float sum = 0;
        foreach (var value in values)
        {
            sum += value;
        }

        if (float.IsFinite(sum))
        {
            SumGradients(active);
            AverageStatistics();
        }

        return sum;
    }

    /// <summary>Copies the trained network's parameters and buffers to every copy: after each optimizer step, and
    /// whenever the trained network's weights change otherwise.</summary>
    public void Synchronize()
    {
        using var noGrad = torch.no_grad();
        var parameters = _first.parameters().ToList();
        var buffers = _first.buffers().ToList();
        foreach (var copy in _copies)
        {
            foreach (var (mine, theirs) in parameters.Zip(copy.parameters()))
            {
                theirs.copy_(mine);
            }

            foreach (var (mine, theirs) in buffers.Zip(copy.buffers()))
            {
                theirs.copy_(mine);
            }
        }
    }

    /// <summary>Sets the trained network's batch-norm running statistics to their mean over the replicas that had rows,
    /// weighted by their rows.</summary>
    private void AverageStatistics()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var buffers = _first.buffers().ToList();
        var copies = _copies.Select(c => c.buffers().ToList()).ToList();
        int total = _lastRows.Sum();
        for (int i = 0; i < buffers.Count; i++)
        {
            if (!buffers[i].is_floating_point() || _lastRows.Length < 2)
            {
                continue;
            }

            using Scalar firstWeight = ((double)_lastRows[0] / total).ToScalar();
            var mean = buffers[i].mul(firstWeight);
            for (int replica = 1; replica < _lastRows.Length; replica++)
            {
                using Scalar weight = ((double)_lastRows[replica] / total).ToScalar();
                mean.add_(copies[replica - 1][i].to(buffers[i].device).mul(weight));
            }

            buffers[i].copy_(mean);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        foreach (var copy in _copies)
        {
            copy.Dispose();
        }

        foreach (var random in _dropoutRandom)
        {
            random.Dispose();
        }
    }

    /// <summary>Throws when a copy's parameters and buffers are not the trained network's, in number, order and shape,
    /// which copying weights between them relies on.</summary>
    private static void CheckSameShape(nn.Module<Tensor, Tensor> network, nn.Module<Tensor, Tensor> copy)
    {
        var mine = network.state_dict();
        var theirs = copy.state_dict();
        if (!mine.Keys.SequenceEqual(theirs.Keys) || mine.Any(p => !p.Value.shape.SequenceEqual(theirs[p.Key].shape)))
        {
            throw new InvalidOperationException("A replica's network differs from the trained network's in its layers or their shapes, so the replicas cannot share weights. Train this network with `Replicas` = 1.");
        }
    }

    /// <summary>Adds the gradients of the copies that had rows, in replica order, to the trained network's, and zeroes theirs.</summary>
    private void SumGradients(int active)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var parameters = _first.parameters().ToList();
        for (int replica = 1; replica < active; replica++)
        {
            foreach (var (mine, theirs) in parameters.Zip(_copies[replica - 1].parameters()))
            {
                if (theirs.grad is not { } gradient)
                {
                    continue;
                }

                if (mine.grad is { } total)
                {
                    total.add_(gradient.to(total.device));
                }

                gradient.zero_();
            }
        }
    }
}
