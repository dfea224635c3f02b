// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;

namespace DeepOpt.Cli.Data;

/// <summary>The loaded rows and what the trainer needs to know about them.</summary>
/// <param name="Train">Training rows, before the featurizer.</param>
/// <param name="Validation">Validation rows, before the featurizer.</param>
/// <param name="Test">Test rows, or null.</param>
/// <param name="Featurizer">The transforms before the trainer (label to key, features, images).</param>
/// <param name="FeatureColumn">The column the trainer reads.</param>
/// <param name="ImageHeight">The image height for a CNN, or 0.</param>
/// <param name="ImageWidth">The image width for a CNN, or 0.</param>
internal sealed record LoadedData(
    IDataView Train, IDataView Validation, IDataView? Test, IEstimator<ITransformer> Featurizer, string FeatureColumn, int ImageHeight, int ImageWidth);
