// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// What of a fine-tuned network trains, epoch by epoch: the first blocks stay frozen (no gradient, so no optimizer or
/// weight decay touches them) until gradual unfreezing lets them train from the top down; frozen blocks, and every
/// pretrained block when told, keep their batch-norm statistics; the pretrained blocks train at a factor of the rate.
/// </summary>
internal sealed class BlockPlan
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly IReadOnlyList<string[]> _blocks;
    private readonly int _frozen;
    private readonly DeepTrainerOptions _options;
    private int _frozenNow;

    private BlockPlan(nn.Module<Tensor, Tensor> network, IReadOnlyList<string[]> blocks, int frozen, DeepTrainerOptions options)
    {
        _network = network;
        _blocks = blocks;
        _frozen = frozen;
        _options = options;
        var unplaced = network.named_parameters().Select(p => p.name).FirstOrDefault(name => BlockOf(name) < 0);
        if (unplaced != null)
        {
            throw new InvalidOperationException($"The network's parameter '{unplaced}' is in none of its blocks.");
        }

        SetFrozen(frozen);
    }

    /// <summary>The plan of a network whose weights are pretrained (copied from a model, or brought along): the blocks to
    /// freeze, checked against the network's blocks.</summary>
    public static BlockPlan Create(nn.Module<Tensor, Tensor> network, DeepTrainerOptions options)
    {
        var blocks = ((IBlockNetwork)network).Blocks;
        int frozen = options.FreezeAllButHead ? blocks.Count - 1 : options.FreezeBlocks;
        if (frozen >= blocks.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.FreezeBlocks), options.FreezeBlocks, $"`FreezeBlocks` is {options.FreezeBlocks}, but this network has {blocks.Count} blocks, the last being the output layer, which always trains. Set it to {blocks.Count - 1} or fewer (or `FreezeAllButHead`).");
        }

        return new BlockPlan(network, blocks, frozen, options);
    }

    /// <summary>Creates the optimizers: the output layer at the full rate, the other blocks at the pretrained factor.</summary>
    public OptimizerSet CreateOptimizers()
    {
        var head = new List<Parameter>();
        var body = new List<Parameter>();
        foreach (var (name, parameter) in _network.named_parameters())
        {
            (BlockOf(name) == _blocks.Count - 1 ? head : body).Add(parameter);
        }

        var groups = new List<(optim.Optimizer, double)> { (OptimizerFactory.Create(head, _options), 1.0) };
        if (body.Count > 0)
        {
            groups.Add((OptimizerFactory.Create(body, _options), _options.PretrainedLearningRateFactor));
        }

        return new OptimizerSet(groups);
    }

    /// <summary>Unfreezes blocks as the epoch calls for, and puts the batch-norm layers that keep their statistics in
    /// evaluation mode; call it after <c>network.train()</c>.</summary>
    public void BeginEpoch(int epoch)
    {
        if (_options.UnfreezeEveryEpochs > 0)
        {
            SetFrozen(Math.Max(0, _frozen - (epoch / _options.UnfreezeEveryEpochs)));
        }

        foreach (var (name, module) in _network.named_modules())
        {
            if (module is BatchNorm1d or BatchNorm2d)
            {
                int block = BlockOf(name + ".");
                if (block < _frozenNow || (!_options.UpdateBatchNormStatistics && block < _blocks.Count - 1))
                {
                    module.eval();
                }
            }
        }
    }

    private void SetFrozen(int count)
    {
        _frozenNow = count;
        foreach (var (name, parameter) in _network.named_parameters())
        {
            parameter.requires_grad = BlockOf(name) >= count;
        }
    }

    private int BlockOf(string name) => _blocks.IndexOf(name);
}

/// <summary>One optimizer per group of parameters, each at its factor of the scheduled rate; one group for a fit from scratch.</summary>
internal sealed class OptimizerSet(IReadOnlyList<(optim.Optimizer Optimizer, double Factor)> groups) : IDisposable
{
    public void SetLearningRate(double rate)
    {
        foreach (var (optimizer, factor) in groups)
        {
            OptimizerFactory.SetLearningRate(optimizer, rate * factor);
        }
    }

    public void ZeroGrad()
    {
        foreach (var (optimizer, _) in groups)
        {
            optimizer.zero_grad();
        }
    }

    public void Step()
    {
        foreach (var (optimizer, _) in groups)
        {
            optimizer.step();
        }
    }

    public void Dispose()
    {
        foreach (var (optimizer, _) in groups)
        {
            optimizer.Dispose();
        }
    }
}
