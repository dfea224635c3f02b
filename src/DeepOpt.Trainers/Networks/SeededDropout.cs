// Licensed under the MIT license. See LICENSE in the repository root.

using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// Dropout whose masks come from the generator of the fit that trains the network, not from libtorch's process-wide
/// one, so that fits running at once never draw from each other's sequence. In evaluation mode it passes its input on.
/// </summary>
internal sealed class SeededDropout : Module<Tensor, Tensor>
{
    private readonly double _probability;

    /// <param name="probability">The probability that an element is zeroed, in [0, 1].</param>
    public SeededDropout(double probability)
        : base(nameof(SeededDropout))
    {
        _probability = probability;
    }

    /// <summary>The probability that an element is zeroed.</summary>
    public double Probability => _probability;

    /// <summary>The generator of the fit under way, on the network's device; null outside a fit (libtorch's own is used then).</summary>
    public Generator? Generator { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (!training || _probability == 0)
        {
            // A new handle to the same storage: the caller's dispose scope may free what a module returns.
            return input.alias();
        }

        if (_probability >= 1)
        {
            return zeros_like(input);
        }

        var keep = empty_like(input).bernoulli_(1 - _probability, Generator);
        return input * keep.div_(1 - _probability);
    }

    /// <summary>Gives every <see cref="SeededDropout"/> in <paramref name="network"/> the generator (or null to take it back).</summary>
    public static void UseGenerator(Module network, Generator? generator)
    {
        foreach (var dropout in network.modules().OfType<SeededDropout>())
        {
            dropout.Generator = generator;
        }
    }
}
