// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Writes a fitted DeepOpt network as an ONNX graph with the prediction outputs of its task. The graph reads the floats
/// the network reads (a row's feature vector; pixels channel-first, 0–255, for an image column; token ids for text) and
/// gives <c>Score</c> as DeepOpt's Score column (class probabilities, a binary logit, a regression value) and, for a
/// binary classifier, <c>Probability</c>.
/// </summary>
internal static class OnnxNetworks
{
    /// <summary>Metadata key of the task (MulticlassClassification, BinaryClassification or Regression).</summary>
    public const string TaskKey = "deepopt.task";

    /// <summary>Metadata key of the feature column the model was trained on (also the graph's input name).</summary>
    public const string FeatureColumnKey = "deepopt.feature_column";

    /// <summary>Metadata key of the class labels, a JSON array of strings in Score's order (multiclass only).</summary>
    public const string LabelsKey = "deepopt.labels";

    /// <summary>Metadata key of the labels' type: Text or Single (numbers written with invariant culture).</summary>
    public const string LabelKindKey = "deepopt.label_kind";

    /// <summary>Metadata key of the number of networks an ensemble's graph averages (ensembles only).</summary>
    public const string EnsembleSizeKey = "deepopt.ensemble_size";

    private const TensorProto.Types.DataType Float = TensorProto.Types.DataType.Float;

    /// <summary>The ONNX model of <paramref name="model"/>'s network.</summary>
    /// <param name="model">The fitted DeepOpt model.</param>
    /// <param name="pipeline">
    /// Null for the file <c>ConvertToOnnx</c> writes. For the network inside an ML.NET pipeline: the graph reads the
    /// column ML.NET's transforms give (see <see cref="OnnxPipelineInput"/>) and writes one row's network outputs, as a
    /// vector of fixed size, to one output (ML.NET runs ONNX models one row at a time).
    /// </param>
    public static ModelProto Export(DeepPredictionTransformer model, (string Input, string Output)? pipeline = null)
    {
        var description = model.Description;
        var g = new OnnxGraph();
        string input = pipeline is { } names
            ? OnnxPipelineInput.Floats(g, description.Features, names.Input)
            : g.Input(description.Features.ColumnName, Float, null, description.Features.Size);
        string logits = Logits(g, model, input);

        if (pipeline is { } row)
        {
            bool multiclass = description.Task == PredictionKind.MulticlassClassification;
            string outputs = multiclass ? g.Node("Softmax", [logits], ("axis", -1L)) : logits;
            g.Output(g.Node("Reshape", [outputs, g.Longs(-1)]), row.Output, Float, multiclass ? description.ClassCount : 1);
        }
        else if (description.Task == PredictionKind.MulticlassClassification)
        {
            g.Output(g.Node("Softmax", [logits], ("axis", -1L)), OutputColumns.Score, Float, null, description.ClassCount);
        }
        else
        {
            string score = g.Node("Reshape", [logits, g.Longs(-1)]);
            g.Output(score, OutputColumns.Score, Float, [null]);
            if (description.Task == PredictionKind.BinaryClassification)
            {
                g.Output(g.Node("Sigmoid", [score]), OutputColumns.Probability, Float, [null]);
            }
        }

        return g.ToModel($"DeepOpt {NetworkName(description)} network, task {description.Task}, reads '{description.Features.ColumnName}'.", Metadata(description));
    }

    /// <summary>
    /// The ONNX model of an ensemble whose members are DeepOpt networks that read the same features alike: one input,
    /// every network, and the mean of their class probabilities (Score), of their probabilities (binary: Probability,
    /// and Score its logit) or of their scores (regression), as the ensemble computes them.
    /// </summary>
    public static ModelProto Export(IReadOnlyList<DeepPredictionTransformer> members)
    {
        var description = members[0].Description;
        var g = new OnnxGraph();
        string input = g.Input(description.Features.ColumnName, Float, null, description.Features.Size);
        var task = description.Task;
        var outputs = members.Select(m =>
        {
            string logits = Logits(g, m, input);
            return task switch
            {
                PredictionKind.MulticlassClassification => g.Node("Softmax", [logits], ("axis", -1L)),
                PredictionKind.BinaryClassification => g.Node("Sigmoid", [g.Node("Reshape", [logits, g.Longs(-1)])]),
                _ => g.Node("Reshape", [logits, g.Longs(-1)]),
            };
        }).ToList();
        string mean = g.Node("Mean", outputs.ToArray());
        if (task == PredictionKind.BinaryClassification)
        {
            // Score is the logit of the mean probability, kept finite as the ensemble keeps it.
            string p = g.Node("Clip", [mean, g.Floats([1e-7f]), g.Floats([1 - 1e-7f])]);
            g.Output(g.Node("Log", [g.Node("Div", [p, g.Node("Sub", [g.Floats([1f]), p])])]), OutputColumns.Score, Float, [null]);
            g.Output(mean, OutputColumns.Probability, Float, [null]);
        }
        else
        {
            g.Output(mean, OutputColumns.Score, Float, task == PredictionKind.MulticlassClassification ? [null, description.ClassCount] : [null]);
        }

        var metadata = Metadata(description);
        metadata[EnsembleSizeKey] = members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return g.ToModel($"DeepOpt ensemble of {members.Count} networks ({string.Join(", ", members.Select(m => NetworkName(m.Description)))}), task {task}, reads '{description.Features.ColumnName}'.", metadata);
    }

    /// <summary>The network's outputs before the task's last step (softmax or sigmoid), from <paramref name="input"/>.</summary>
    private static string Logits(OnnxGraph g, DeepPredictionTransformer model, string input) => model.Description.Options switch
    {
        CnnOptions { Architecture: CnnArchitecture.ResNet18 } cnn => OnnxResNet.Apply(g, (ResNetCnn)model.Network, cnn, Images(g, cnn, input)),
        CnnOptions cnn => Cnn(g, model.Network, cnn, input),
        LstmOptions lstm => Recurrent(g, model.Network, lstm, model.Description.Features.Size, input),
        _ => OnnxLayers.Apply(g, Child(model.Network, "layers"), input),
    };

    private static string NetworkName(ModelDescription description) =>
        description.Options.GetType().Name.Replace("Options", "", StringComparison.Ordinal);

    private static Dictionary<string, string> Metadata(ModelDescription description)
    {
        var metadata = new Dictionary<string, string>
        {
            [TaskKey] = description.Task.ToString(),
            [FeatureColumnKey] = description.Features.ColumnName,
        };
        if (description.KeyValues is { } keys)
        {
            metadata[LabelsKey] = JsonSerializer.Serialize(keys.Values); // class k of Score is label Values[k]
            metadata[LabelKindKey] = keys.ItemKind;
        }

        return metadata;
    }

    /// <summary>The CNN: the row as an image (channels first or last), scaled, then the blocks and the head.</summary>
    private static string Cnn(OnnxGraph g, nn.Module network, CnnOptions options, string input)
    {
        string scaled = g.Node("Mul", [Images(g, options, input), g.Floats([(float)options.PixelScale], 1)]);
        return OnnxLayers.Apply(g, Child(network, "head"), OnnxLayers.Apply(g, Child(network, "blocks"), scaled));
    }

    /// <summary>The row as an image, channels first: (rows, channels, height, width).</summary>
    private static string Images(OnnxGraph g, CnnOptions options, string input) => options.Layout == ImageLayout.ChannelsLast
        ? g.Node("Transpose", [g.Node("Reshape", [input, g.Longs(-1, options.ImageHeight, options.ImageWidth, options.Channels)])], ("perm", new long[] { 0, 3, 1, 2 }))
        : g.Node("Reshape", [input, g.Longs(-1, options.Channels, options.ImageHeight, options.ImageWidth)]);

    /// <summary>
    /// The LSTM or GRU network: each row's tokens moved to its front (a sort on "padding, then position"), embedded, run
    /// through ONNX's recurrent operators with each row's length (so the backward direction reads each row reversed
    /// within its length, as DeepOpt's does), pooled over the row's tokens, then the head.
    /// </summary>
    private static string Recurrent(OnnxGraph g, nn.Module network, LstmOptions options, int length, string input)
    {
        string zero = g.Longs(0);
        string ids = g.Node("Cast", [input], ("to", (long)TensorProto.Types.DataType.Int64));
        string present = g.Node("Cast", [g.Node("Not", [g.Node("Equal", [ids, zero])])], ("to", (long)Float));
        string positions = g.Floats(Enumerable.Range(0, length).Select(i => (float)i).ToArray(), length); // 0 … length − 1
        string paddingLast = g.Node("Add", [g.Node("Mul", [g.Node("Sub", [g.Floats([1f], 1), present]), g.Floats([length], 1)]), positions]);
        string order = g.Nodes("TopK", [paddingLast, g.Longs(length)], 2, ("axis", 1L), ("largest", 0L), ("sorted", 1L))[1];
        string front = g.Node("GatherElements", [ids, order], ("axis", 1L));
        string mask = g.Node("Cast", [g.Node("Not", [g.Node("Equal", [front, zero])])], ("to", (long)Float));

        // An empty row reads one padding token (a zero embedding), so every row has an output.
        string steps = g.Node("Max", [g.Node("ReduceSum", [present, g.Longs(1)], ("keepdims", 0L)), g.Floats([1f], 1)]);
        string lengths = g.Node("Cast", [steps], ("to", (long)TensorProto.Types.DataType.Int32));
        string embedded = g.Node("Mul", [g.Node("Gather", [g.Weight(Child(network, "embedding").parameters().Single(), "embedding"), front]), g.Node("Unsqueeze", [mask, g.Longs(2)])]);
        string sequence = g.Node("Transpose", [embedded], ("perm", new long[] { 1, 0, 2 })); // steps first, as ONNX's operators read
        if (network.named_children().Any(c => c.name == "conv"))
        {
            sequence = Convolutions(g, (TokenConvolution)Child(network, "conv"), sequence);
        }

        var recurrent = Child(network, "recurrent").named_children().ToDictionary(c => c.name, c => c.module);
        string[] outputs = [];
        for (int i = 0; i < options.RecurrentLayers; i++)
        {
            var directions = options.Bidirectional ? new[] { recurrent[$"fwd{i}"], recurrent[$"bwd{i}"] } : [recurrent[$"fwd{i}"]];
            outputs = OnnxRecurrent.Layer(g, options.Cell, directions, options.HiddenSize, sequence, lengths);
            sequence = g.Node("Reshape", [g.Node("Transpose", [outputs[0]], ("perm", new long[] { 0, 2, 1, 3 })), g.Longs(0, 0, -1)]);
        }

        // Pooling reads a row's own positions only: (steps, rows, 1), true before the row's length.
        string stepColumn = g.Node("Unsqueeze", [positions, g.Longs(1)]);
        string valid = g.Node("Unsqueeze", [g.Node("Less", [stepColumn, g.Node("Unsqueeze", [steps, g.Longs(0)])]), g.Longs(2)]);
        string Masked(string at) => g.Node("Mul", [sequence, g.Node("Cast", [at], ("to", (long)Float))]);
        string Mean() => g.Node("Div", [g.Node("ReduceSum", [Masked(valid), g.Longs(0)], ("keepdims", 0L)), g.Node("Unsqueeze", [steps, g.Longs(1)])]);
        string Max() => g.Node("ReduceMax", [g.Node("Where", [valid, sequence, g.Floats([float.NegativeInfinity], 1)]), g.Longs(0)], ("keepdims", 0L));
        string pooled = options.Pooling switch
        {
            // The forward state after the last token, joined with the backward state after the first.
            SequencePoolingKind.Last when options.RecurrentLayers > 0 => g.Node("Reshape", [g.Node("Transpose", [outputs[1]], ("perm", new long[] { 1, 0, 2 })), g.Longs(0, -1)]),
            SequencePoolingKind.Last => g.Node("ReduceSum", [
                Masked(g.Node("Unsqueeze", [g.Node("Equal", [stepColumn, g.Node("Unsqueeze", [g.Node("Sub", [steps, g.Floats([1f], 1)]), g.Longs(0)])]), g.Longs(2)])),
                g.Longs(0)], ("keepdims", 0L)),
            SequencePoolingKind.Mean => Mean(),
            SequencePoolingKind.Max => Max(),
            SequencePoolingKind.MeanMax => g.Node("Concat", [Mean(), Max()], ("axis", 1L)),
            _ => Attention(g, ((SequencePooling)Child(network, "pool")).Attention!.Value, sequence, valid),
        };
        return OnnxLayers.Apply(g, Child(network, "head"), pooled);
    }

    /// <summary>The token convolutions on (steps, rows, channels): each kernel padded as DeepOpt pads it, joined, then the activation.</summary>
    private static string Convolutions(OnnxGraph g, TokenConvolution convolution, string sequence)
    {
        string channelsFirst = g.Node("Transpose", [sequence], ("perm", new long[] { 1, 2, 0 }));
        var outputs = convolution.KernelSizes.Select(size =>
        {
            var kernel = convolution.Kernel(size);
            var (before, after) = TokenConvolution.Padding(size);
            return g.Node("Conv", [channelsFirst, g.Weight(kernel.weight!, "conv"), g.Weight(kernel.bias!, "conv_bias")], ("kernel_shape", new long[] { size }), ("pads", new[] { before, after }));
        }).ToArray();
        string joined = OnnxLayers.Apply(g, convolution.Activation, g.Node("Concat", outputs, ("axis", 1L)));
        return g.Node("Transpose", [joined], ("perm", new long[] { 2, 0, 1 }));
    }

    /// <summary>Attention pooling on (steps, rows, channels): softmax over a row's steps of score(tanh(project(x))).</summary>
    private static string Attention(OnnxGraph g, (TorchSharp.Modules.Linear Project, TorchSharp.Modules.Linear Score) attention, string sequence, string valid)
    {
        using var projectWeight = attention.Project.weight!.t().contiguous();
        using var scoreWeight = attention.Score.weight!.t().contiguous();
        string projected = g.Node("Tanh", [g.Node("Add", [g.Node("MatMul", [sequence, g.Weight(projectWeight, "attention")]), g.Weight(attention.Project.bias!, "attention_bias")])]);
        string scores = g.Node("Where", [valid, g.Node("MatMul", [projected, g.Weight(scoreWeight, "attention_score")]), g.Floats([float.NegativeInfinity], 1)]);
        return g.Node("ReduceSum", [g.Node("Mul", [sequence, g.Node("Softmax", [scores], ("axis", 0L))]), g.Longs(0)], ("keepdims", 0L));
    }

    private static nn.Module Child(nn.Module module, string name) =>
        module.named_children().FirstOrDefault(c => c.name == name).module
        ?? throw new NotSupportedException($"The ONNX export expected a layer '{name}' in {module.GetType().Name}.");
}
