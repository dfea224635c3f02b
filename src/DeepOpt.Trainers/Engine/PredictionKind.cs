// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers;

/// <summary>The machine-learning task of a trainer: it fixes the label type, the output columns and the default loss.</summary>
public enum PredictionKind
{
    /// <summary>A key-typed label; outputs Score (one per class) and PredictedLabel (key).</summary>
    MulticlassClassification,

    /// <summary>A boolean label; outputs Score (logit), Probability and PredictedLabel (boolean).</summary>
    BinaryClassification,

    /// <summary>A float label; outputs Score.</summary>
    Regression,
}
