// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML;

/// <summary>The metric a multiclass sweep optimises, named as in ML.NET's <c>MulticlassClassificationMetrics</c>.</summary>
public enum MulticlassClassificationMetric
{
    /// <summary>The fraction of rows predicted correctly (maximised).</summary>
    MicroAccuracy,

    /// <summary>The mean of the per-class accuracies (maximised).</summary>
    MacroAccuracy,

    /// <summary>The log-loss (minimised).</summary>
    LogLoss,

    /// <summary>The log-loss reduction against the prior (maximised).</summary>
    LogLossReduction,
}

/// <summary>The metric a binary sweep optimises, named as in ML.NET's <c>BinaryClassificationMetrics</c>.</summary>
public enum BinaryClassificationMetric
{
    /// <summary>Accuracy (maximised).</summary>
    Accuracy,

    /// <summary>The area under the ROC curve (maximised).</summary>
    AreaUnderRocCurve,

    /// <summary>The area under the precision-recall curve (maximised).</summary>
    AreaUnderPrecisionRecallCurve,

    /// <summary>The F1 score (maximised).</summary>
    F1Score,
}

/// <summary>The metric a regression sweep optimises, named as in ML.NET's <c>RegressionMetrics</c>.</summary>
public enum RegressionMetric
{
    /// <summary>R-squared (maximised).</summary>
    RSquared,

    /// <summary>The mean absolute error (minimised).</summary>
    MeanAbsoluteError,

    /// <summary>The mean squared error (minimised).</summary>
    MeanSquaredError,

    /// <summary>The root of the mean squared error (minimised).</summary>
    RootMeanSquaredError,
}
