// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace DeepOpt.Trainers;

/// <summary>
/// The one place that checks input columns, used by both <c>GetOutputSchema</c> and <c>Fit</c> before any tensor is
/// made. Messages keep ML.NET's wording ("Could not find ... column", "Schema mismatch for ... column") and add the fix.
/// </summary>
internal static class SchemaChecks
{
    public const string LabelRole = "label";
    public const string FeatureRole = "features";

    public static Exception Missing(string role, string name) =>
        new ArgumentOutOfRangeException(name, $"Could not find {role} column '{name}'. Set `{(role == LabelRole ? "LabelColumnName" : "FeatureColumnName")}` to a column of the data.");

    public static Exception Mismatch(string role, string name, string expected, string actual, string fix) =>
        new ArgumentOutOfRangeException(name, $"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}. {fix}");

    /// <summary>Checks an estimator's input shape.</summary>
    /// <summary>Refuses a NaN or infinite feature value, in training data and in data to score alike.</summary>
    /// <param name="what">What the rows are ("training data", "data to score").</param>
    /// <param name="column">The feature column.</param>
    /// <param name="row">The row's position.</param>
    /// <param name="values">The row's feature values.</param>
    public static void CheckFinite(string what, string column, long row, ReadOnlySpan<float> values)
    {
        for (int slot = 0; slot < values.Length; slot++)
        {
            float value = values[slot];
            if (!float.IsFinite(value))
            {
                throw new InvalidOperationException($"The {what} has {(float.IsNaN(value) ? "a NaN" : "an infinite")} value in feature column '{column}' at row {row}, slot {slot}. Replace it first, for example with ml.Transforms.ReplaceMissingValues, or filter the row out.");
            }
        }
    }

    public static void CheckShape(SchemaShape input, DeepTrainerOptions options, PredictionKind kind)
    {
        if (Find(input, options.FeatureColumnName) is not { } features)
        {
            throw Missing(FeatureRole, options.FeatureColumnName);
        }

        var design = NetworkDesign.Of(options);
        bool image = design.AcceptsImages && features.Kind == SchemaShape.Column.VectorKind.Scalar && features.ItemType is ImageDataViewType;
        bool accepted = design.AcceptsTokens
            ? TokenSpec.Accepts(features)
            : image || (features.Kind == SchemaShape.Column.VectorKind.Vector && features.ItemType == NumberDataViewType.Single);
        if (!accepted)
        {
            string actual = features.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{features.ItemType}"
                : $"{(features.Kind == SchemaShape.Column.VectorKind.VariableVector ? "variable-size " : "")}vector of {(features.IsKey ? "key of " : "")}{features.ItemType}";
            throw Mismatch(FeatureRole, options.FeatureColumnName, ExpectedFeatures(design), actual, Fix(design));
        }

        if (Find(input, options.LabelColumnName) is not { } label)
        {
            throw Missing(LabelRole, options.LabelColumnName);
        }

        bool ok = kind switch
        {
            PredictionKind.MulticlassClassification => label.IsKey && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            PredictionKind.BinaryClassification => label.ItemType == BooleanDataViewType.Instance && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            _ => label.ItemType == NumberDataViewType.Single && label.Kind == SchemaShape.Column.VectorKind.Scalar && !label.IsKey,
        };
        if (!ok)
        {
            string actual = $"{(label.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : "vector of ")}{(label.IsKey ? "key of " : "")}{label.ItemType}";
            throw Mismatch(LabelRole, options.LabelColumnName, ExpectedLabel(kind), actual, LabelFix(kind));
        }
    }

    /// <summary>Checks a data view's schema and returns what the features are and, for classification, the class count.</summary>
    public static (FeatureSpec Features, int ClassCount) CheckSchema(DataViewSchema schema, DeepTrainerOptions options, PredictionKind kind)
    {
        var features = schema.GetColumnOrNull(options.FeatureColumnName) ?? throw Missing(FeatureRole, options.FeatureColumnName);
        var design = NetworkDesign.Of(options);
        FeatureSpec spec;
        if (design.AcceptsTokens)
        {
            spec = design.TokenSpec(features)
                ?? throw Mismatch(FeatureRole, options.FeatureColumnName, ExpectedFeatures(design), $"{features.Type}", TokenFix);
        }
        else if (design.AcceptsImages && features.Type is ImageDataViewType imageType)
        {
            spec = design.ImageSpec(imageType);
        }
        else if (features.Type is VectorDataViewType vector && vector.ItemType == NumberDataViewType.Single && vector.IsKnownSize)
        {
            spec = new FeatureSpec(options.FeatureColumnName, vector.Size, null);
        }
        else
        {
            throw Mismatch(FeatureRole, options.FeatureColumnName, ExpectedFeatures(design), $"{features.Type}", FeatureFix);
        }

        var label = schema.GetColumnOrNull(options.LabelColumnName) ?? throw Missing(LabelRole, options.LabelColumnName);
        var type = label.Type;
        int classes = kind switch
        {
            PredictionKind.MulticlassClassification when type is KeyDataViewType key && key.Count <= int.MaxValue => (int)key.Count,
            PredictionKind.BinaryClassification when type == BooleanDataViewType.Instance => 2,
            PredictionKind.Regression when type == NumberDataViewType.Single => 0,
            _ => throw Mismatch(LabelRole, options.LabelColumnName, ExpectedLabel(kind), $"{type}", LabelFix(kind)),
        };
        return (spec, classes);
    }

    private static string ExpectedFeatures(NetworkDesign design) =>
        design.AcceptsTokens ? "text, or a vector of keys (Byte, UInt16, UInt32 or UInt64)"
        : design.AcceptsImages ? "known-size vector of Single or an image" : "known-size vector of Single";

    private static string Fix(NetworkDesign design) => design.AcceptsTokens ? TokenFix : FeatureFix;

    private const string TokenFix = "Give a text column (LstmOptions.Tokenization splits it into words, characters or sub-words), or tokens as keys, for example from ml.Transforms.Text.TokenizeIntoWords followed by ml.Transforms.Conversion.MapValueToKey, or from TokenizeIntoCharactersAsKeys.";

    private static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape)
        {
            if (column.Name == name)
            {
                return column;
            }
        }

        return null;
    }

    private const string FeatureFix = "Concatenate numeric columns into one vector with ml.Transforms.Concatenate, and convert other types with ml.Transforms.Conversion.ConvertType.";

    private static string ExpectedLabel(PredictionKind kind) => kind switch
    {
        PredictionKind.MulticlassClassification => "key",
        PredictionKind.BinaryClassification => "Boolean",
        _ => "Single",
    };

    private static string LabelFix(PredictionKind kind) => kind switch
    {
        PredictionKind.MulticlassClassification => "Use ml.Transforms.Conversion.MapValueToKey on the label.",
        PredictionKind.BinaryClassification => "Map the label to a Boolean column, for example with ml.Transforms.CustomMapping or by loading it as bool.",
        _ => "Convert the label with ml.Transforms.Conversion.ConvertType(..., outputKind: DataKind.Single).",
    };
}
