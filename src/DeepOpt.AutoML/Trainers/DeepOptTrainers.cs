// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML;

/// <summary>Finds the DeepOpt trainer of an options type on the catalog of a task.</summary>
public static class DeepOptTrainers
{
    /// <summary>The estimator for these options on this task, as the catalogs give it
    /// (<c>ml.MulticlassClassification.Trainers.Cnn(options)</c> and so on).</summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="options">CNN, LSTM or MLP options.</param>
    /// <param name="task">The task.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="InvalidOperationException">The network does not do the task (only the MLP does regression).</exception>
    public static IEstimator<ITransformer> Create(MLContext ml, DeepTrainerOptions options, PredictionKind task, DeepFitContext? context = null) => (task, options) switch
    {
        (PredictionKind.MulticlassClassification, CnnOptions cnn) => ml.MulticlassClassification.Trainers.Cnn(cnn, context),
        (PredictionKind.MulticlassClassification, LstmOptions lstm) => ml.MulticlassClassification.Trainers.Lstm(lstm, context),
        (PredictionKind.MulticlassClassification, MlpOptions mlp) => ml.MulticlassClassification.Trainers.Mlp(mlp, context),
        (PredictionKind.BinaryClassification, CnnOptions cnn) => ml.BinaryClassification.Trainers.Cnn(cnn, context),
        (PredictionKind.BinaryClassification, LstmOptions lstm) => ml.BinaryClassification.Trainers.Lstm(lstm, context),
        (PredictionKind.BinaryClassification, MlpOptions mlp) => ml.BinaryClassification.Trainers.Mlp(mlp, context),
        (PredictionKind.Regression, MlpOptions mlp) => ml.Regression.Trainers.Mlp(mlp, context),
        _ => throw new InvalidOperationException(
            $"The {options.GetType().Name} trainer does not do {task} prediction: use an MLP (MlpOptions, kind: mlp) for regression."),
    };
}
