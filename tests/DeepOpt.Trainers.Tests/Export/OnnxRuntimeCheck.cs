// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Runs a DeepOpt model's ONNX export in ONNX Runtime and compares its outputs with DeepOpt's own.</summary>
internal static class OnnxRuntimeCheck
{
    public const double Tolerance = 1e-4;

    /// <summary>
    /// Exports <paramref name="model"/>, runs the file in ONNX Runtime on the floats the network reads for every row of
    /// <paramref name="data"/> (at least <paramref name="minimumRows"/>), and asserts that Score (and Probability) equal
    /// DeepOpt's within <see cref="Tolerance"/>.
    /// </summary>
    public static void MatchesDeepOpt(MLContext ml, ITransformer model, IDataView data, int minimumRows = 1000)
    {
        var deep = DeepOptOnnx.Single(model);
        using var file = new MemoryStream();
        ml.Model.ConvertToOnnx(model, file);
        var (features, rows) = Features(deep, data);
        Assert.IsGreaterThanOrEqualTo(minimumRows, rows, "too few rows for the comparison");

        using var session = new InferenceSession(file.ToArray());
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows, deep.Description.Features.Size]);
        string[] names = session.OutputNames.ToArray();
        using var outputs = session.Run(new RunOptions(), [deep.FeatureColumnName], [input], names);
        var scored = model.Transform(data);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        if (deep.Description.KeyValues is { } keys)
        {
            CollectionAssert.AreEqual(keys.Values, System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["deepopt.labels"]), "deepopt.labels");
            Assert.AreEqual(keys.ItemKind, metadata["deepopt.label_kind"]);
        }

        Assert.AreEqual(deep.Task.ToString(), metadata["deepopt.task"]);
        Assert.AreEqual(deep.FeatureColumnName, metadata["deepopt.feature_column"]);
        for (int i = 0; i < names.Length; i++)
        {
            float[] actual = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            float[] expected = Column(scored, names[i]);
            Assert.HasCount(expected.Length, actual, $"{names[i]}: ONNX Runtime gave {actual.Length} values, DeepOpt {expected.Length}");
            int worst = Enumerable.Range(0, actual.Length).MaxBy(k => Math.Abs(actual[k] - expected[k]));
            Assert.AreEqual(expected[worst], actual[worst], Tolerance, $"{names[i]}, value {worst} of {actual.Length} (row {worst * rows / actual.Length})");
        }
    }

    /// <summary>The floats the network reads, row after row, as DeepOpt's own scoring reads them.</summary>
    private static (float[] Features, int Rows) Features(DeepPredictionTransformer model, IDataView data)
    {
        var spec = model.Description.Features;
        var features = new List<float>();
        var row = new float[spec.Size];
        using var cursor = data.GetRowCursor(data.Schema);
        var reader = spec.CreateReader(cursor);
        int rows = 0;
        while (cursor.MoveNext())
        {
            reader(row, 0);
            features.AddRange(row);
            rows++;
        }

        return (features.ToArray(), rows);
    }

    /// <summary>A float column's values, row after row (a vector column's slots in order).</summary>
    public static float[] Column(IDataView scored, string name) => scored.Schema[name].Type is VectorDataViewType
        ? scored.GetColumn<float[]>(name).SelectMany(v => v).ToArray()
        : scored.GetColumn<float>(name).ToArray();
}
