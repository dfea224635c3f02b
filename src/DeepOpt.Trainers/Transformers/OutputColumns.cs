// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>
/// The engine's output hook: the columns a task adds (as ML.NET's trainers name and type them) and how one row's
/// network outputs become their values. Multiclass: Score (class probabilities) and PredictedLabel (key). Binary:
/// Score (logit), Probability and PredictedLabel (Boolean). Regression: Score.
/// </summary>
internal sealed class OutputColumns
{
    public const string Score = "Score";
    public const string PredictedLabel = "PredictedLabel";
    public const string Probability = "Probability";

    private readonly PredictionKind _task;
    private readonly int _classCount;

    public OutputColumns(PredictionKind task, int classCount, LabelKeyValues? keyValues)
    {
        _task = task;
        _classCount = classCount;
        Columns = task switch
        {
            PredictionKind.MulticlassClassification => new[]
            {
                new DataViewSchema.DetachedColumn(Score, new VectorDataViewType(NumberDataViewType.Single, classCount), Annotate(keyValues, "SlotNames")),
                new DataViewSchema.DetachedColumn(PredictedLabel, new KeyDataViewType(typeof(uint), classCount), Annotate(keyValues, "KeyValues")),
            },
            PredictionKind.BinaryClassification => new[]
            {
                new DataViewSchema.DetachedColumn(Score, NumberDataViewType.Single),
                new DataViewSchema.DetachedColumn(Probability, NumberDataViewType.Single),
                new DataViewSchema.DetachedColumn(PredictedLabel, BooleanDataViewType.Instance),
            },
            _ => new[] { new DataViewSchema.DetachedColumn(Score, NumberDataViewType.Single) },
        };
    }

    /// <summary>The added columns, in order.</summary>
    public IReadOnlyList<DataViewSchema.DetachedColumn> Columns { get; }

    /// <summary>Network outputs per row: the class count for multiclass, 1 otherwise.</summary>
    public int Width => _task == PredictionKind.MulticlassClassification ? _classCount : 1;

    /// <summary>The input schema with the output columns appended.</summary>
    public DataViewSchema Append(DataViewSchema input)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        builder.AddColumns(Columns);
        return builder.ToSchema();
    }

    /// <summary>A getter of output column <paramref name="index"/> that reads the current row's outputs.</summary>
    public Delegate Getter(int index, Func<float[]> outputs)
    {
        switch (_task, index)
        {
            case (PredictionKind.MulticlassClassification, 0):
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                {
                    var values = outputs();
                    var editor = VBufferEditor.Create(ref dst, values.Length);
                    values.AsSpan().CopyTo(editor.Values);
                    dst = editor.Commit();
                });
            case (PredictionKind.MulticlassClassification, _):
                return (ValueGetter<uint>)((ref uint dst) => dst = (uint)ArgMax(outputs()) + 1);
            case (PredictionKind.BinaryClassification, 1):
                return (ValueGetter<float>)((ref float dst) => dst = 1f / (1f + MathF.Exp(-outputs()[0])));
            case (PredictionKind.BinaryClassification, 2):
                return (ValueGetter<bool>)((ref bool dst) => dst = outputs()[0] > 0);
            default:
                return (ValueGetter<float>)((ref float dst) => dst = outputs()[0]);
        }
    }

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static DataViewSchema.Annotations? Annotate(LabelKeyValues? keyValues, string kind)
    {
        if (keyValues == null)
        {
            return null;
        }

        var builder = new DataViewSchema.Annotations.Builder();
        keyValues.AddTo(builder, kind);
        return builder.ToAnnotations();
    }
}
