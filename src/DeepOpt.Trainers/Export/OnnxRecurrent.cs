// Licensed under the MIT license. See LICENSE in the repository root.

using TorchSharp;
using static TorchSharp.torch;

namespace DeepOpt.Trainers;

/// <summary>
/// Writes one recurrent layer (one module per direction) as ONNX's LSTM or GRU operator. libtorch and ONNX order the
/// gates differently, so the weight blocks are reordered:
/// <list type="table">
/// <listheader><term>cell</term><description>libtorch → ONNX</description></listheader>
/// <item><term>LSTM</term><description>input, forget, cell, output → input, output, forget, cell</description></item>
/// <item><term>GRU</term><description>reset, update, new → update, reset, hidden (with linear_before_reset = 1, libtorch's form)</description></item>
/// </list>
/// </summary>
internal static class OnnxRecurrent
{
    /// <summary>
    /// Writes the layer over <paramref name="sequence"/> (steps, rows, features) with the rows' lengths and returns
    /// its outputs Y (steps, directions, rows, hidden) and Y_h (directions, rows, hidden).
    /// </summary>
    public static string[] Layer(OnnxGraph g, RecurrentCellKind cell, nn.Module[] directions, int hiddenSize, string sequence, string lengths)
    {
        bool lstm = cell == RecurrentCellKind.Lstm;
        long[] order = lstm ? [0, 3, 1, 2] : [1, 0, 2];
        using var scope = torch.NewDisposeScope();
        var input = torch.stack(directions.Select(d => Reorder(Parameter(d, "weight_ih_l0"), order)).ToArray());
        var recurrent = torch.stack(directions.Select(d => Reorder(Parameter(d, "weight_hh_l0"), order)).ToArray());
        var bias = torch.stack(directions.Select(d => torch.cat([Reorder(Parameter(d, "bias_ih_l0"), order), Reorder(Parameter(d, "bias_hh_l0"), order)])).ToArray());
        var attributes = new List<(string, object)>
        {
            ("hidden_size", (long)hiddenSize),
            ("direction", directions.Length == 2 ? "bidirectional" : "forward"),
        };
        if (!lstm)
        {
            attributes.Add(("linear_before_reset", 1L));
        }

        string[] inputs = [sequence, g.Weight(input, "W"), g.Weight(recurrent, "R"), g.Weight(bias, "B"), lengths];
        return g.Nodes(lstm ? "LSTM" : "GRU", inputs, 2, [.. attributes]);
    }

    private static Tensor Parameter(nn.Module module, string name) =>
        module.named_parameters().FirstOrDefault(p => p.name == name).parameter
        ?? throw new NotSupportedException($"The ONNX export expected the recurrent weight '{name}'.");

    private static Tensor Reorder(Tensor gates, long[] order)
    {
        var blocks = gates.detach().chunk(order.Length, 0);
        return torch.cat(order.Select(i => blocks[i]).ToArray());
    }
}
