// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DeepOpt.Trainers;

/// <summary>
/// A sequence classifier over rows of token ids stored as floats: an embedding (embedding, padding id 0), optional
/// spatial and token dropout, optional token convolutions (conv, see <see cref="TokenConvolution"/>), zero or more
/// stacked LSTM or GRU layers (recurrent.fwd0, recurrent.bwd0 when bidirectional, fwd1, …), pooling (pool, see
/// <see cref="SequencePooling"/>), and a head (dense, denseAct, drop, out).
/// </summary>
/// <remarks>
/// Each row's tokens are moved to its front and the batch is cut to its longest row. The forward direction reads a row
/// from its first token, so its outputs at tokens never depend on the padding after them; the backward direction reads
/// each row reversed within its own length, and its outputs are put back in order. Pooling reads token positions only.
/// Convolutions read the zero embeddings after a row's tokens as their own zero padding. So the padded length and side
/// never change a row's output, exactly. Packed sequences give the same outputs; they
/// are not used because a training step over them (32 rows of about 100 tokens) was slower on the CPU in every
/// measurement on our shared machine, in PyTorch 1.13 and TorchSharp 0.107 alike (bench/README.md).
/// </remarks>
internal sealed class LstmNetwork : Module<Tensor, Tensor>, IBlockNetwork, IOwnInitialization
{
    [ComponentName(Name = "embedding")]
    private readonly Embedding _embedding;
    [ComponentName(Name = "conv")]
    private readonly TokenConvolution? _convolution;
    [ComponentName(Name = "recurrent")]
    private readonly ModuleDict<Module> _recurrent;
    [ComponentName(Name = "pool")]
    private readonly SequencePooling _pooling;
    [ComponentName(Name = "head")]
    private readonly Sequential _head;
    [ComponentName(Name = "spatialDrop")]
    private readonly SeededDropout _spatialDropout;
    [ComponentName(Name = "layerDrop")]
    private readonly SeededDropout _layerDropout;
    [ComponentName(Name = "tokenDrop")]
    private readonly SeededDropout _tokenDropout;
    private readonly RecurrentCellKind _cell;
    private readonly WeightInitKind _inputWeightInit;
    private readonly WeightInitKind _recurrentWeightInit;
    private readonly int _layers;
    private readonly bool _bidirectional;
    private readonly int _hiddenSize;

    /// <inheritdoc/>
    public IReadOnlyList<string[]> Blocks { get; }

    public LstmNetwork(int outputSize, LstmOptions options)
        : base(nameof(LstmNetwork))
    {
        if (options.IdCount < Vocabulary.FirstWordId)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"The network needs at least {Vocabulary.FirstWordId} token ids, but got {options.IdCount}.");
        }

        _spatialDropout = new SeededDropout(options.SpatialDropout);
        _layerDropout = new SeededDropout(options.LayerDropout);
        _tokenDropout = new SeededDropout(options.TokenDropout);
        _cell = options.Cell;
        _inputWeightInit = options.WeightInit;
        _recurrentWeightInit = options.RecurrentWeightInit;
        _layers = options.RecurrentLayers;
        _bidirectional = options.Bidirectional;
        _hiddenSize = options.HiddenSize;
        _embedding = Embedding(options.IdCount, options.EmbeddingSize, padding_idx: Vocabulary.PaddingId);
        long width = options.EmbeddingSize;
        if (options.ConvolutionFilters > 0)
        {
            _convolution = new TokenConvolution(width, options.ConvolutionFilters, options.ConvolutionKernelSizes, options.Activation, options.LeakyReluSlope);
            width = _convolution.OutputSize;
        }

        int directions = _bidirectional ? 2 : 1;
        var layers = new List<(string, Module)>();
        for (int i = 0; i < _layers; i++)
        {
            layers.Add(($"fwd{i}", Cell(options, width)));
            if (_bidirectional)
            {
                layers.Add(($"bwd{i}", Cell(options, width)));
            }

            width = (long)options.HiddenSize * directions;
        }

        _recurrent = ModuleDict(layers.ToArray());
        _pooling = new SequencePooling(options.Pooling, width);
        width = _pooling.OutputSize;
        var head = new List<(string, Module<Tensor, Tensor>)>();
        if (options.DenseUnits > 0)
        {
            head.Add(("dense", Linear(width, options.DenseUnits)));
            head.Add(("denseAct", Layers.Activation(options.Activation, options.LeakyReluSlope)));
            width = options.DenseUnits;
        }

        if (options.Dropout > 0)
        {
            head.Add(("drop", new SeededDropout(options.Dropout)));
        }

        head.Add(("out", Linear(width, outputSize)));
        Blocks = [
            ["embedding."],
            .. _convolution is null ? Array.Empty<string[]>() : [["conv."]],
            .. Enumerable.Range(0, _layers).Select(i => new[] { $"recurrent.fwd{i}.", $"recurrent.bwd{i}." }),
            .. options.Pooling == SequencePoolingKind.Attention ? [["pool."]] : Array.Empty<string[]>(),
            .. options.DenseUnits > 0 ? [["head.dense."]] : Array.Empty<string[]>(),
            ["head.out."]];
        _head = Sequential(head);
        RegisterComponents();
    }

    private static Module Cell(LstmOptions options, long inputSize) => options.Cell == RecurrentCellKind.Lstm
        ? LSTM(inputSize, options.HiddenSize, batchFirst: true)
        : GRU(inputSize, options.HiddenSize, batchFirst: true);

    public override Tensor forward(Tensor input)
    {
        // Scalars stay referenced until the end of the call: TorchSharp passes an implicit temporary's native handle
        // without keeping the temporary alive, so a collection during the native call could free it.
        using Scalar padding = Vocabulary.PaddingId.ToScalar(), one = 1.ToScalar();
        var ids = input.to(ScalarType.Int64);
        var present = ids.ne(padding);
        var lengths = present.sum(1);

        // A stable sort of the presence mask moves each row's tokens to its front, in order.
        var front = torch.sort(present.to(ScalarType.Int32), 1, descending: true, stable: true).indices;
        long longest = Math.Max(1, lengths.max().item<long>());
        ids = ids.gather(1, front).narrow(1, 0, longest);
        var x = _embedding.forward(ids) * ids.ne(padding).unsqueeze(-1).to(ScalarType.Float32);
        if (training && _spatialDropout.Probability > 0)
        {
            x = x * _spatialDropout.forward(torch.ones(x.shape[0], 1, x.shape[2], device: x.device));
        }

        if (training && _tokenDropout.Probability > 0)
        {
            x = x * _tokenDropout.forward(torch.ones(x.shape[0], x.shape[1], 1, device: x.device));
        }

        if (_convolution is not null)
        {
            x = _convolution.forward(x);
        }

        // An empty row reads one padding token (a zero embedding), so every row has an output.
        var steps = lengths.clamp_min(one).unsqueeze(1);
        var positions = torch.arange(longest, device: x.device).unsqueeze(0);
        var valid = positions.lt(steps);
        var reversed = _bidirectional && _layers > 0 ? torch.where(valid, steps.sub(one).sub(positions), positions) : null;
        Tensor? backward = null;
        for (int i = 0; i < _layers; i++)
        {
            if (i > 0)
            {
                x = _layerDropout.forward(x);
            }

            var forwardOutputs = Run(_recurrent[$"fwd{i}"], x);
            if (reversed is null)
            {
                x = forwardOutputs;
                continue;
            }

            backward = Reverse(Run(_recurrent[$"bwd{i}"], Reverse(x, reversed)), reversed);
            x = torch.cat(new[] { forwardOutputs, backward }, 2);
        }

        return _head.forward(_pooling.Pool(x, () => Last(x, backward, steps), valid, steps));
    }

    private static Tensor Run(Module layer, Tensor input) =>
        layer is LSTM lstm ? lstm.call(input, null).Item1 : ((GRU)layer).call(input, null).Item1;

    /// <summary>Reverses each row within its own length; padding positions stay. Applying it twice restores the order.</summary>
    private static Tensor Reverse(Tensor sequence, Tensor reversed) =>
        sequence.gather(1, reversed.unsqueeze(-1).expand(sequence.shape[0], sequence.shape[1], sequence.shape[2]));

    /// <summary>
    /// The output after each row's last token: with recurrent layers, the forward state after the last token joined
    /// with the backward state after the first; without, the last token's embedding or convolution output.
    /// </summary>
    private Tensor Last(Tensor outputs, Tensor? backward, Tensor steps)
    {
        long width = _layers > 0 ? _hiddenSize : outputs.shape[2];
        using Scalar one = 1.ToScalar();
        var last = outputs.narrow(2, 0, width).gather(1, steps.sub(one).unsqueeze(-1).expand(outputs.shape[0], 1, width)).squeeze(1);
        return backward is null ? last : torch.cat(new[] { last, backward.select(1, 0) }, 1);
    }

    /// <summary>
    /// Initialises each gate's block of the recurrent matrices: input-to-hidden by WeightInit, hidden-to-hidden by
    /// RecurrentWeightInit (Default keeps PyTorch's start); the padding id's embedding is zero.
    /// </summary>
    public void InitializeOwn(Generator generator)
    {
        int gates = _cell == RecurrentCellKind.Lstm ? 4 : 3;
        foreach (var layer in _recurrent.values())
        {
            foreach (var (name, parameter) in layer.named_parameters())
            {
                var kind = name.StartsWith("weight_ih", StringComparison.Ordinal) ? _inputWeightInit
                    : name.StartsWith("weight_hh", StringComparison.Ordinal) ? _recurrentWeightInit
                    : WeightInitKind.Default;
                foreach (var gate in parameter.chunk(gates, 0))
                {
                    Layers.InitializeWeight(gate, kind, generator);
                }
            }
        }

        _embedding.weight![Vocabulary.PaddingId].zero_();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _embedding.Dispose();
            _convolution?.Dispose();
            _recurrent.Dispose();
            _pooling.Dispose();
            _tokenDropout.Dispose();
            _head.Dispose();
            _spatialDropout.Dispose();
            _layerDropout.Dispose();
        }

        base.Dispose(disposing);
    }
}
