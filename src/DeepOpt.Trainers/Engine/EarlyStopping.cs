// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Stops training when the monitored value has not improved by more than the minimum delta for the patience, and
/// keeps a copy of the best weights to restore. Off when the patience is 0.
/// </summary>
internal sealed class EarlyStopping : IDisposable
{
    private readonly int _patience;
    private readonly double _minDelta;
    private readonly bool _restore;
    private double _best = double.PositiveInfinity;
    private int _badEpochs;
    private Dictionary<string, Tensor>? _bestWeights;

    public EarlyStopping(DeepTrainerOptions options)
    {
        _patience = options.EarlyStoppingPatience;
        _minDelta = options.EarlyStoppingMinDelta;
        _restore = options.RestoreBestWeights;
    }

    /// <summary>Records a finished epoch; returns true when training should stop.</summary>
    /// <param name="network">The network, whose weights are copied when they are the best so far.</param>
    /// <param name="monitored">The value watched, lower is better; null without validation data.</param>
    public bool EndEpoch(nn.Module<Tensor, Tensor> network, double? monitored)
    {
        if (_patience == 0 || monitored is not { } value)
        {
            return false;
        }

        if (value < _best - _minDelta)
        {
            _best = value;
            _badEpochs = 0;
            if (_restore)
            {
                DisposeBest();
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                _bestWeights = network.state_dict().ToDictionary(p => p.Key, p => p.Value.clone().MoveToOuterDisposeScope());
            }

            return false;
        }

        _badEpochs++;
        return _badEpochs >= _patience;
    }

    /// <summary>Loads the best weights seen into the network, if they were kept.</summary>
    public void RestoreBest(nn.Module<Tensor, Tensor> network)
    {
        if (_bestWeights != null)
        {
            network.load_state_dict(_bestWeights);
        }
    }

    public void Dispose() => DisposeBest();

    private void DisposeBest()
    {
        if (_bestWeights == null)
        {
            return;
        }

        foreach (var tensor in _bestWeights.Values)
        {
            tensor.Dispose();
        }

        _bestWeights = null;
    }
}
