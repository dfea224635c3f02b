// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML;

/// <summary>What a sweep learns and how it scores a trial: the task, the label, and the metric it optimises.</summary>
internal sealed class TaskEvaluator
{
    private TaskEvaluator(PredictionKind task, string labelColumn, string metricName, bool maximised)
    {
        Task = task;
        LabelColumn = labelColumn;
        MetricName = metricName;
        Maximised = maximised;
    }

    public PredictionKind Task { get; }

    public string LabelColumn { get; }

    public string MetricName { get; }

    /// <summary>Gets a value indicating whether a larger metric is better; the loss is then its negative.</summary>
    public bool Maximised { get; }

    public static TaskEvaluator Multiclass(MulticlassClassificationMetric metric, string labelColumn)
        => new(PredictionKind.MulticlassClassification, labelColumn, metric.ToString(), metric != MulticlassClassificationMetric.LogLoss);

    public static TaskEvaluator Binary(BinaryClassificationMetric metric, string labelColumn)
        => new(PredictionKind.BinaryClassification, labelColumn, metric.ToString(), true);

    public static TaskEvaluator Regression(RegressionMetric metric, string labelColumn)
        => new(PredictionKind.Regression, labelColumn, metric.ToString(), metric == RegressionMetric.RSquared);

    public double LossOf(double metric) => Maximised ? -metric : metric;

    /// <summary>The value a trial reports after an epoch: the engine's validation metric (accuracy, or R-squared) when
    /// the sweep's metric is maximised, else the validation loss; both are read as losses.</summary>
    public IntermediateLoss Intermediate(EpochReport report)
    {
        double metric = report.ValidationMetric ?? double.NaN;
        return Maximised
            ? new IntermediateLoss(-metric, metric)
            : new IntermediateLoss(report.ValidationLoss ?? double.NaN, report.ValidationLoss ?? double.NaN);
    }

    public IEstimator<ITransformer> CreateTrainer(MLContext ml, DeepTrainerOptions options, DeepFitContext context) => DeepOptTrainers.Create(ml, options, Task, context);

    /// <summary>The names of every metric <see cref="Evaluate"/> gives.</summary>
    public IReadOnlyList<string> MetricNames => Task switch
    {
        PredictionKind.MulticlassClassification => Enum.GetNames<MulticlassClassificationMetric>(),
        PredictionKind.BinaryClassification => Enum.GetNames<BinaryClassificationMetric>(),
        _ => Enum.GetNames<RegressionMetric>(),
    };

    /// <summary>Every metric ML.NET's evaluator gives for the scored validation data, by name.</summary>
    public Dictionary<string, double> Evaluate(MLContext ml, IDataView scored)
    {
        switch (Task)
        {
            case PredictionKind.MulticlassClassification:
                var multiclass = ml.MulticlassClassification.Evaluate(scored, LabelColumn);
                return new Dictionary<string, double>
                {
                    [nameof(MulticlassClassificationMetric.MicroAccuracy)] = multiclass.MicroAccuracy,
                    [nameof(MulticlassClassificationMetric.MacroAccuracy)] = multiclass.MacroAccuracy,
                    [nameof(MulticlassClassificationMetric.LogLoss)] = multiclass.LogLoss,
                    [nameof(MulticlassClassificationMetric.LogLossReduction)] = multiclass.LogLossReduction,
                };
            case PredictionKind.BinaryClassification:
                var binary = ml.BinaryClassification.Evaluate(scored, LabelColumn);
                return new Dictionary<string, double>
                {
                    [nameof(BinaryClassificationMetric.Accuracy)] = binary.Accuracy,
                    [nameof(BinaryClassificationMetric.AreaUnderRocCurve)] = binary.AreaUnderRocCurve,
                    [nameof(BinaryClassificationMetric.AreaUnderPrecisionRecallCurve)] = binary.AreaUnderPrecisionRecallCurve,
                    [nameof(BinaryClassificationMetric.F1Score)] = binary.F1Score,
                };
            default:
                var regression = ml.Regression.Evaluate(scored, LabelColumn);
                return new Dictionary<string, double>
                {
                    [nameof(RegressionMetric.RSquared)] = regression.RSquared,
                    [nameof(RegressionMetric.MeanAbsoluteError)] = regression.MeanAbsoluteError,
                    [nameof(RegressionMetric.MeanSquaredError)] = regression.MeanSquaredError,
                    [nameof(RegressionMetric.RootMeanSquaredError)] = regression.RootMeanSquaredError,
                };
        }
    }

    public readonly record struct IntermediateLoss(double Loss, double Metric);
}
