// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// Turns the per-token outputs of a sequence, (rows, tokens, width), into one vector per row, reading each row's own
/// tokens only. Attention pooling (Yang et al., 2016) has weights: project, a square layer with tanh, and score, one
/// weight per channel; a token's weight is the softmax of its score over the row's tokens.
/// </summary>
internal sealed class SequencePooling : Module
{
    [ComponentName(Name = "project")]
    private readonly Linear? _project;
    [ComponentName(Name = "score")]
    private readonly Linear? _score;
    private readonly SequencePoolingKind _kind;

    /// <param name="kind">The pooling.</param>
    /// <param name="width">Channels per token.</param>
    public SequencePooling(SequencePoolingKind kind, long width)
        : base(nameof(SequencePooling))
    {
        _kind = kind;
        if (kind == SequencePoolingKind.Attention)
        {
            _project = Linear(width, width);
            _score = Linear(width, 1, hasBias: false);
        }

        OutputSize = kind == SequencePoolingKind.MeanMax ? 2 * width : width;
        RegisterComponents();
    }

    /// <summary>Channels of the pooled vector.</summary>
    public long OutputSize { get; }

    /// <summary>The attention layers (null for the other poolings).</summary>
    public (Linear Project, Linear Score)? Attention => _project is null ? null : (_project, _score!);

    /// <summary>Pools <paramref name="outputs"/>.</summary>
    /// <param name="outputs">Per-token outputs, (rows, tokens, width).</param>
    /// <param name="last">For <see cref="SequencePoolingKind.Last"/>: the vector after each row's last token.</param>
    /// <param name="valid">(rows, tokens), true at a row's own tokens.</param>
    /// <param name="steps">(rows, 1), each row's token count (at least 1).</param>
    public Tensor Pool(Tensor outputs, Func<Tensor> last, Tensor valid, Tensor steps)
    {
        switch (_kind)
        {
            case SequencePoolingKind.Last:
                return last();
            case SequencePoolingKind.Mean:
                return Mean(outputs, valid, steps);
            case SequencePoolingKind.Max:
                return Max(outputs, valid);
            case SequencePoolingKind.MeanMax:
                return torch.cat(new[] { Mean(outputs, valid, steps), Max(outputs, valid) }, 1);
            default:
                using (Scalar lowest = float.NegativeInfinity.ToScalar())
                {
                    var scores = _score!.forward(_project!.forward(outputs).tanh()).masked_fill(valid.logical_not().unsqueeze(-1), lowest);
                    return (outputs * scores.softmax(1)).sum(1);
                }
        }
    }

    private static Tensor Mean(Tensor outputs, Tensor valid, Tensor steps) =>
        (outputs * valid.unsqueeze(-1).to(outputs.dtype)).sum(1) / steps.to(outputs.dtype);

    private static Tensor Max(Tensor outputs, Tensor valid)
    {
        using Scalar lowest = float.NegativeInfinity.ToScalar();
        return outputs.masked_fill(valid.logical_not().unsqueeze(-1), lowest).amax(1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _project?.Dispose();
            _score?.Dispose();
        }

        base.Dispose(disposing);
    }
}
