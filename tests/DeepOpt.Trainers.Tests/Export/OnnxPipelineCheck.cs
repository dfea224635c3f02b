// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>
/// Converts a DeepOpt pipeline with <c>ConvertToOnnxPipeline</c>, saves it with plain <c>ml.Model.Save</c>, and scores
/// and evaluates it with plain <c>ml.Model.Load</c> in a process without DeepOpt (tests/DeepOpt.PlainMlNetCheck).
/// </summary>
internal static class OnnxPipelineCheck
{
    /// <summary>
    /// Asserts that the plain ML.NET pipeline gives the DeepOpt pipeline's output column types, the same predicted
    /// labels, scores and probabilities within <see cref="OnnxRuntimeCheck.Tolerance"/>, and the same metric from
    /// <c>Evaluate</c>.
    /// </summary>
    public static void MatchesDeepOpt(MLContext ml, ITransformer model, IDataView data, PredictionKind task)
    {
        var pipeline = ml.Model.ConvertToOnnxPipeline(model, data);
        Assert.IsFalse(DeepOptModelOperations.Flatten(pipeline).Any(t => t.GetType().Assembly == typeof(DeepPredictionTransformer).Assembly), "the pipeline holds a DeepOpt transformer");

        var folder = Directory.CreateTempSubdirectory("deepopt-pipeline-").FullName;
        try
        {
            string saved = Path.Combine(folder, "pipeline.zip"), rows = Path.Combine(folder, "data.idv"), scored = Path.Combine(folder, "scored.idv");
            ml.Model.Save(pipeline, data.Schema, saved);
            using (var file = File.Create(rows))
            {
                ml.Data.SaveAsBinary(data, file);
            }

            var (exitCode, output) = FreshProcess.PlainMlNet(saved, rows, task.ToString(), scored);
            Assert.AreEqual(0, exitCode, output);

            var expected = model.Transform(data);
            var actual = ml.Data.LoadFromBinary(scored);
            foreach (var column in actual.Schema)
            {
                Assert.AreEqual(expected.Schema[column.Name].Type, column.Type, $"type of {column.Name}");
                Compare(expected, actual, column.Name);
            }

            Assert.HasCount(task == PredictionKind.BinaryClassification ? 3 : task == PredictionKind.Regression ? 1 : 2, actual.Schema);
            if (task == PredictionKind.MulticlassClassification)
            {
                CollectionAssert.AreEqual(KeyValues(expected.Schema["PredictedLabel"]), KeyValues(actual.Schema["PredictedLabel"]), "PredictedLabel's key values");
            }

            double metric = double.Parse(output.Split('\n').Single(l => l.StartsWith("metric ", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture);
            double deepOpt = task switch
            {
                PredictionKind.MulticlassClassification => ml.MulticlassClassification.Evaluate(expected).MicroAccuracy,
                PredictionKind.BinaryClassification => ml.BinaryClassification.Evaluate(expected).Accuracy,
                _ => ml.Regression.Evaluate(expected).RootMeanSquaredError,
            };
            Assert.AreEqual(deepOpt, metric, 1e-4 * Math.Max(1, deepOpt), "the metric of Evaluate");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Compare(IDataView expected, IDataView actual, string name)
    {
        var type = actual.Schema[name].Type;
        if (type is KeyDataViewType)
        {
            CollectionAssert.AreEqual(expected.GetColumn<uint>(name).ToArray(), actual.GetColumn<uint>(name).ToArray(), name);
        }
        else if (type is BooleanDataViewType)
        {
            CollectionAssert.AreEqual(expected.GetColumn<bool>(name).ToArray(), actual.GetColumn<bool>(name).ToArray(), name);
        }
        else
        {
            float[] left = OnnxRuntimeCheck.Column(expected, name), right = OnnxRuntimeCheck.Column(actual, name);
            Assert.HasCount(left.Length, right);
            int worst = Enumerable.Range(0, left.Length).MaxBy(k => Math.Abs(left[k] - right[k]));
            Assert.AreEqual(left[worst], right[worst], OnnxRuntimeCheck.Tolerance, $"{name}, value {worst} of {left.Length}");
        }
    }

    private static string[] KeyValues(DataViewSchema.Column column)
    {
        var values = default(VBuffer<float>);
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
    }
}
