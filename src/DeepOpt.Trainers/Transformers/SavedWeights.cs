// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// The names and shapes in a weights entry written by TorchSharp's <c>Module.save</c>, read without loading it, so that
/// a file whose weights do not fit the network its description builds is reported layer by layer instead of by
/// libtorch. TorchSharp's format: the tensor count, then per tensor its name, element type, rank, sizes (integers
/// LEB128-encoded, the name as a .NET string) and the raw elements.
/// </summary>
internal static class SavedWeights
{
    /// <summary>The tensors in <paramref name="weights"/>, in file order.</summary>
    /// <exception cref="EndOfStreamException">The weights end early.</exception>
    /// <exception cref="InvalidDataException">The weights are not in TorchSharp's format.</exception>
    public static List<(string Name, long[] Shape)> Read(byte[] weights)
    {
        using var reader = new BinaryReader(new MemoryStream(weights));
        long count = Decode(reader);
        if (count < 0 || count > weights.Length)
        {
            throw new InvalidDataException($"it declares {count} tensors");
        }

        var tensors = new List<(string, long[])>();
        for (long i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var type = (ScalarType)Decode(reader);
            long rank = Decode(reader);
            if (rank < 0 || rank > 16)
            {
                throw new InvalidDataException($"tensor '{name}' declares rank {rank}");
            }

            var shape = new long[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = Decode(reader);
                elements = checked(elements * shape[d]);
            }

            long bytes = checked(elements * ElementSize(type, name));
            if (bytes > reader.BaseStream.Length - reader.BaseStream.Position)
            {
                throw new EndOfStreamException($"tensor '{name}' needs {bytes} bytes, but the entry ends sooner");
            }

            reader.BaseStream.Seek(bytes, SeekOrigin.Current);
            tensors.Add((name, shape));
        }

        return tensors;
    }

    /// <summary>The first difference between the network's tensors and the file's, or null when they agree.</summary>
    public static string? Difference(nn.Module<Tensor, Tensor> network, IReadOnlyList<(string Name, long[] Shape)> saved)
    {
        var expected = network.state_dict();
        var inFile = saved.ToDictionary(t => t.Name, t => t.Shape);
        foreach (var (name, tensor) in expected)
        {
            if (!inFile.TryGetValue(name, out var shape))
            {
                return $"layer '{name}' expects {Format(tensor.shape)}, but the file has no tensor of that name";
            }

            if (!shape.SequenceEqual(tensor.shape))
            {
                return $"layer '{name}' expects {Format(tensor.shape)}, the file has {Format(shape)}";
            }
        }

        var extra = saved.FirstOrDefault(t => !expected.ContainsKey(t.Name));
        return extra.Name != null
            ? $"the file has tensor '{extra.Name}' {Format(extra.Shape)}, which the network lacks ({expected.Count} tensors expected, {saved.Count} in the file)"
            : null;
    }

    private static string Format(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static long Decode(BinaryReader reader)
    {
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 63)
            {
                throw new InvalidDataException("an integer is longer than 64 bits");
            }

            byte b = reader.ReadByte();
            result |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    private static int ElementSize(ScalarType type, string name) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"tensor '{name}' has the unknown element type {(int)type}"),
    };
}
