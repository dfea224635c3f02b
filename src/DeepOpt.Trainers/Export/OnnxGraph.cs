// Licensed under the MIT license. See LICENSE in the repository root.

using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Builds one ONNX graph node by node over ONNX's own protobuf classes (OnnxSharp): weights become initializers, every
/// intermediate value gets a fresh name, and attributes are typed by their .NET type.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The opset the graph is written for: ONNX 1.16's default opset, which ONNX Runtime 1.31 runs.</summary>
    public const int Opset = 21;

    private readonly GraphProto _graph = new() { Name = "deepopt" };
    private int _next;

    /// <summary>Declares an input of the given shape (a null dimension is unknown: the batch first, a length after).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params long?[] shape)
    {
        _graph.Input.Add(Value(name, type, shape));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as an output of the graph under <paramref name="name"/>.</summary>
    public void Output(string value, string name, TensorProto.Types.DataType type, params long?[] shape)
    {
        Node("Identity", [value], name);
        _graph.Output.Add(Value(name, type, shape));
    }

    /// <summary>A weight or constant tensor, copied from libtorch as float32 (or int64 for integer tensors).</summary>
    public string Weight(Tensor tensor, string hint)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        var proto = new TensorProto { Name = Fresh(hint) };
        proto.Dims.AddRange(cpu.shape);
        if (cpu.dtype == ScalarType.Int64)
        {
            proto.DataType = (int)TensorProto.Types.DataType.Int64;
            proto.Int64Data.AddRange(cpu.data<long>().ToArray());
        }
        else
        {
            using var floats = cpu.to(ScalarType.Float32);
            proto.DataType = (int)TensorProto.Types.DataType.Float;
            proto.FloatData.AddRange(floats.data<float>().ToArray());
        }

        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A float constant of the given shape.</summary>
    public string Floats(float[] values, params long[] shape)
    {
        using var tensor = torch.tensor(values, shape);
        return Weight(tensor, "const");
    }

    /// <summary>An int64 constant (a shape, axes or indices) of one dimension.</summary>
    public string Longs(params long[] values)
    {
        using var tensor = torch.tensor(values);
        return Weight(tensor, "const");
    }

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string Node(string op, string[] inputs, params (string Name, object Value)[] attributes) =>
        Nodes(op, inputs, 1, attributes)[0];

    /// <summary>Adds a node whose single output gets the given name.</summary>
    private void Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        _graph.Node.Add(node);
    }

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names ("" skips an optional input).</summary>
    public string[] Nodes(string op, string[] inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(_ => Fresh(op.ToLowerInvariant())).ToArray();
        node.Output.AddRange(names);
        foreach (var (name, value) in attributes)
        {
            node.Attribute.Add(Attribute(name, value));
        }

        _graph.Node.Add(node);
        return names;
    }

    /// <summary>The model: this graph at <see cref="Opset"/>, stamped with DeepOpt as producer, with the given metadata.</summary>
    public ModelProto ToModel(string documentation, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 10,
            ProducerName = "DeepOpt",
            ProducerVersion = typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "",
            DocString = documentation,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.AddRange(metadata.Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }));
        return model;
    }

    private string Fresh(string hint) => $"{hint}_{_next++}";

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, long?[] shape)
    {
        var dims = new TensorShapeProto();
        for (int i = 0; i < shape.Length; i++)
        {
            dims.Dim.Add(shape[i] is { } known
                ? new TensorShapeProto.Types.Dimension { DimValue = known }
                : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : "length" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = dims } },
        };
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        int i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
        double f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)f },
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        long[] ints => Ints(name, ints),
        _ => throw new ArgumentException($"ONNX attribute '{name}' has a type the exporter does not write: {value.GetType()}.", nameof(value)),
    };

    private static AttributeProto Ints(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
