// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Cli.Data;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.Cli.Commands;

/// <summary>ML.NET's metrics of a scored data set, as one line.</summary>
internal static class Evaluation
{
    public static string Describe(MLContext ml, PredictionKind task, IDataView scored, string label)
    {
        switch (task)
        {
            case PredictionKind.BinaryClassification:
                var b = ml.BinaryClassification.Evaluate(scored, label);
                return $"accuracy {b.Accuracy:P2}, AUC {b.AreaUnderRocCurve:F4}, F1 {b.F1Score:F4}";
            case PredictionKind.Regression:
                var r = ml.Regression.Evaluate(scored, label);
                return $"R² {r.RSquared:F4}, MAE {r.MeanAbsoluteError:G4}, RMSE {r.RootMeanSquaredError:G4}";
            default:
                var m = ml.MulticlassClassification.Evaluate(scored, label);
                return $"accuracy {m.MicroAccuracy:P2} (macro {m.MacroAccuracy:P2}), log-loss {m.LogLoss:F4}";
        }
    }
}
