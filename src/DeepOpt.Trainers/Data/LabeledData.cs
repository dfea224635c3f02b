// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// Rows of a data view held in memory as a dense float matrix and one target per row: the class index (key value
/// minus one, or 0/1 for binary) for classification, the value for regression. Every value is checked on the way in.
/// </summary>
internal sealed class LabeledData
{
    private LabeledData(float[] features, int featureSize, float[] targets)
    {
        Features = features;
        FeatureSize = featureSize;
        Targets = targets;
    }

    public float[] Features { get; }

    public int FeatureSize { get; }

    /// <summary>The class index for classification, the label value for regression.</summary>
    public float[] Targets { get; }

    public int Count => Targets.Length;

    /// <summary>Reads and checks the feature and label columns of <paramref name="data"/>.</summary>
    /// <param name="data">The data.</param>
    /// <param name="options">The column names.</param>
    /// <param name="kind">The task, which fixes the label type.</param>
    /// <param name="what">"training data" or "validation data", for messages.</param>
    /// <param name="trainedFeatures">The training data's spec, for token columns of validation data; null for training data.</param>
    public static LabeledData Read(IDataView data, DeepTrainerOptions options, PredictionKind kind, string what, FeatureSpec? trainedFeatures = null)
    {
        var (spec, classCount) = SchemaChecks.CheckSchema(data.Schema, options, kind);
        if (spec.Tokens != null)
        {
            // Token ids come from the training data's vocabulary; validation data is read with the same one.
            spec = trainedFeatures ?? NetworkDesign.Of(options).FitTokens(data, spec, what);
            spec.Check(data.Schema);
        }

        bool anyToken = false;
        var featureColumn = data.Schema[options.FeatureColumnName];
        var labelColumn = data.Schema[options.LabelColumnName];
        var features = new List<float>();
        var targets = new List<float>();
        var rowFeatures = new float[spec.Size];
        using (var cursor = data.GetRowCursor(new[] { featureColumn, labelColumn }))
        {
            var readFeatures = spec.CreateReader(cursor);
            Func<float> label = LabelReader(cursor, labelColumn, kind);
            long row = 0;
            while (cursor.MoveNext())
            {
                readFeatures(rowFeatures, 0);
                SchemaChecks.CheckFinite(what, options.FeatureColumnName, row, rowFeatures);

                features.AddRange(rowFeatures);
                anyToken = anyToken || (spec.Tokens != null && Array.Exists(rowFeatures, id => id != Vocabulary.PaddingId));

                float target = label();
                if (kind == PredictionKind.MulticlassClassification && target < 0)
                {
                    throw new InvalidOperationException($"The {what} has a missing key value in label column '{options.LabelColumnName}' at row {row}. Filter such rows out, for example with ml.Data.FilterRowsByMissingValues.");
                }

                if (!float.IsFinite(target))
                {
                    throw new InvalidOperationException($"The {what} has a NaN or infinite value in label column '{options.LabelColumnName}' at row {row}. Filter such rows out, for example with ml.Data.FilterRowsByMissingValues.");
                }

                targets.Add(target);
                row++;
            }
        }

        if (targets.Count == 0)
        {
            throw new InvalidOperationException($"The {what} has no rows. Check the loader and any filters before the trainer.");
        }

        if (spec.Tokens != null && !anyToken && what == TrainingData)
        {
            throw new InvalidOperationException($"The {what} has no tokens in features column '{options.FeatureColumnName}': every row is empty. Check that the column holds the text, and filter empty rows out.");
        }

        if (kind != PredictionKind.Regression && what == TrainingData)
        {
            int distinct = targets.Distinct().Count();
            if (distinct < 2)
            {
                throw new InvalidOperationException($"The {what} has a single class in label column '{options.LabelColumnName}'; a classifier needs rows of at least two classes.");
            }
        }

        return new LabeledData(features.ToArray(), spec.Size, targets.ToArray()) { ClassCount = classCount, Spec = spec };
    }

    public const string TrainingData = "training data";
    public const string ValidationData = "validation data";

    /// <summary>The class count for classification (key count, or 2), 0 for regression.</summary>
    public int ClassCount { get; private init; }

    /// <summary>What the features are: a vector, or images of a shape.</summary>
    public FeatureSpec Spec { get; private init; } = null!;

    /// <summary>The rows at the given positions, as a new data set.</summary>
    public LabeledData Subset(IReadOnlyList<int> rows)
    {
        var features = new float[rows.Count * FeatureSize];
        var targets = new float[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            Array.Copy(Features, (long)rows[i] * FeatureSize, features, (long)i * FeatureSize, FeatureSize);
            targets[i] = Targets[rows[i]];
        }

        return new LabeledData(features, FeatureSize, targets) { ClassCount = ClassCount, Spec = Spec };
    }

    private static Func<float> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column column, PredictionKind kind)
    {
        switch (kind)
        {
            case PredictionKind.MulticlassClassification:
            {
                var getter = cursor.GetGetter<uint>(column);
                uint key = 0;
                return () =>
                {
                    getter(ref key);
                    return key == 0 ? -1 : key - 1;
                };
            }

            case PredictionKind.BinaryClassification:
            {
                var getter = cursor.GetGetter<bool>(column);
                bool value = false;
                return () =>
                {
                    getter(ref value);
                    return value ? 1 : 0;
                };
            }

            default:
            {
                var getter = cursor.GetGetter<float>(column);
                float value = 0;
                return () =>
                {
                    getter(ref value);
                    return value;
                };
            }
        }
    }
}
