// Licensed under the MIT license. See LICENSE in the repository root.

using System.Runtime.InteropServices;
using Onnx;

namespace DeepOpt.Trainers;

/// <summary>
/// Reads an ONNX model's graph for weight loading: its float initializers by name, and which node produces and which
/// nodes consume each value, so a loader can follow the graph from its input instead of trusting initializer names.
/// </summary>
internal sealed class OnnxGraphReader
{
    private readonly Dictionary<string, TensorProto> _initializers = [];
    private readonly Dictionary<string, NodeProto> _producers = [];
    private readonly Dictionary<string, List<NodeProto>> _consumers = [];

    /// <param name="model">The parsed model (tests pass doctored copies).</param>
    /// <param name="source">Where the model came from, for messages: a file path or a description.</param>
    public OnnxGraphReader(ModelProto model, string source)
    {
        Graph = model.Graph ?? throw new InvalidDataException($"The ONNX model '{source}' has no graph.");
        Source = source;
        foreach (var initializer in Graph.Initializer)
        {
            _initializers[initializer.Name] = initializer;
        }

        foreach (var node in Graph.Node)
        {
            foreach (string output in node.Output)
            {
                _producers[output] = node;
            }

            foreach (string input in node.Input.Where(i => i.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    /// <summary>Where the model came from, as messages name it.</summary>
    public string Source { get; }

    /// <summary>The model's graph.</summary>
    public GraphProto Graph { get; }

    /// <summary>The names of every initializer of the graph.</summary>
    public IEnumerable<string> InitializerNames => _initializers.Keys;

    /// <summary>Reads and parses an ONNX file.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    public static OnnxGraphReader Read(string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model: {ex.Message}", ex);
        }

        return new OnnxGraphReader(model, path);
    }

    /// <summary>The single input of the graph that is not an initializer (older files list initializers as inputs too).</summary>
    public string Input()
    {
        var inputs = Graph.Input.Select(i => i.Name).Where(name => !_initializers.ContainsKey(name)).ToList();
        return inputs.Count == 1
            ? inputs[0]
            : throw new InvalidDataException($"The ONNX model '{Source}' should have one input, but has {inputs.Count}: {string.Join(", ", inputs)}.");
    }

    /// <summary>Whether <paramref name="value"/> is an output of the graph.</summary>
    public bool IsOutput(string value) => Graph.Output.Any(o => o.Name == value);

    /// <summary>The nodes that read <paramref name="value"/>, in graph order.</summary>
    public IReadOnlyList<NodeProto> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : [];

    /// <summary>The node that writes <paramref name="value"/>, or null for a graph input or an initializer.</summary>
    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>Whether <paramref name="name"/> is an initializer of the graph.</summary>
    public bool IsInitializer(string name) => _initializers.ContainsKey(name);

    /// <summary>A float32 initializer's shape and values, from its float_data or its raw little-endian bytes.</summary>
    /// <exception cref="InvalidDataException">
    /// No initializer has that name, it is not float32, its data is stored outside the file, or its value count does not
    /// match its shape.
    /// </exception>
    public (long[] Shape, float[] Values) Floats(string name)
    {
        if (!_initializers.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"The ONNX model '{Source}' has no initializer '{name}'.");
        }

        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException(
                $"Initializer '{name}' of '{Source}' holds {(TensorProto.Types.DataType)tensor.DataType} values, but float32 weights were expected.");
        }

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidDataException($"Initializer '{name}' of '{Source}' keeps its data in an external file, which is not read here.");
        }

        long[] shape = tensor.Dims.ToArray();
        long count = shape.Aggregate(1L, (product, size) => product * size);
        float[] values;
        if (tensor.FloatData.Count > 0)
        {
            values = new float[tensor.FloatData.Count];
            tensor.FloatData.CopyTo(values, 0);
        }
        else
        {
            // ONNX stores raw_data little-endian, as .NET reads it on every platform it runs on here.
            values = MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        return values.LongLength == count
            ? (shape, values)
            : throw new InvalidDataException(
                $"Initializer '{name}' of '{Source}' has shape {ShapeText(shape)} ({count} values) but holds {values.Length} values.");
    }

    /// <summary>A shape as messages write it: [64, 3, 7, 7].</summary>
    public static string ShapeText(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
