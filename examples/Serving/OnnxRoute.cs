// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace DeepOpt.Serving;

/// <summary>
/// A network exported with ml.Model.ConvertToOnnx, run by ONNX Runtime without TorchSharp. The request sends the
/// feature column the graph reads (its input); the labels come from the file's deepopt.labels metadata.
/// </summary>
internal sealed class OnnxRoute : IModelRoute
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly int _size;
    private readonly string _task;
    private readonly string[] _outputs;
    private readonly object?[]? _labels;

    public OnnxRoute(string path)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }; // one request, one core
        _session = new InferenceSession(path, options);
        var (name, metadata) = _session.InputMetadata.Single();
        _input = name;
        _size = metadata.Dimensions[^1];
        _outputs = [.. _session.OutputNames];
        var custom = _session.ModelMetadata.CustomMetadataMap;
        _task = custom.TryGetValue("deepopt.task", out string? task) ? task : throw new InvalidDataException($"{path} has no deepopt.task metadata: export it with ml.Model.ConvertToOnnx.");
        if (custom.TryGetValue("deepopt.labels", out string? labels))
        {
            bool numbers = custom.GetValueOrDefault("deepopt.label_kind") is "Single" or "Double" or "Int32" or "Int64" or "UInt32";
            _labels = JsonSerializer.Deserialize<string[]>(labels)!
                .Select(l => numbers ? double.Parse(l, CultureInfo.InvariantCulture) : (object)l).ToArray();
        }
    }

    public string Inputs => $"'{_input}' (an array of {_size} numbers)";

    public Dictionary<string, object?> Predict(JsonElement body) => Score([Features(body)])[0];

    public List<Dictionary<string, object?>> PredictBatch(IReadOnlyList<JsonElement> rows) => Score(Batch.Parse(rows, Features));

    /// <summary>The floats of one row, checked against the graph's input.</summary>
    private float[] Features(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException($"A row must be a JSON object with {Inputs}.");
        }

        foreach (var property in body.EnumerateObject().Where(p => p.Name != _input))
        {
            throw new BadRequestException($"Unknown column '{property.Name}'. Send {Inputs}.");
        }

        if (!body.TryGetProperty(_input, out var values))
        {
            throw new BadRequestException($"Column '{_input}' is missing. Send {Inputs}.");
        }

        return RequestRow.Numbers(_input, values, _size);
    }

    /// <summary>Runs the rows through the graph as one batch and answers each.</summary>
    private List<Dictionary<string, object?>> Score(List<float[]> rows)
    {
        var features = new float[rows.Count * _size];
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i].CopyTo(features, i * _size);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows.Count, _size]);
        using var outputs = _session.Run(new RunOptions(), [_input], [input], _outputs);
        var scores = outputs[Array.IndexOf(_outputs, "Score")].GetTensorDataAsSpan<float>().ToArray();
        var probabilities = _task == "BinaryClassification" ? outputs[Array.IndexOf(_outputs, "Probability")].GetTensorDataAsSpan<float>().ToArray() : null;
        int width = scores.Length / rows.Count;
        var answers = new List<Dictionary<string, object?>>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            float[] score = scores.AsSpan(i * width, width).ToArray();
            if (_task == "MulticlassClassification")
            {
                int best = Array.IndexOf(score, score.Max());
                answers.Add(new() { ["predictedLabel"] = _labels?[best] ?? best, ["score"] = score });
                continue;
            }

            var answer = new Dictionary<string, object?> { ["score"] = score[0] };
            if (probabilities != null)
            {
                answer["predictedLabel"] = score[0] > 0;
                answer["probability"] = probabilities[i];
            }

            answers.Add(answer);
        }

        return answers;
    }

    public void Dispose() => _session.Dispose();
}
