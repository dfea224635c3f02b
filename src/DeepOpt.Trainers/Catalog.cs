// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;

namespace Microsoft.ML;

/// <summary>The DeepOpt trainers on ML.NET's catalogs: <c>ml.MulticlassClassification.Trainers.Mlp(...)</c> and the like.</summary>
public static class DeepOptCatalog
{
    /// <summary>A multi-layer perceptron for multiclass classification.</summary>
    /// <param name="catalog">ml.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <param name="hiddenLayerSizes">The units of each hidden layer; null for the default.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="batchSize">Rows per mini-batch.</param>
    /// <param name="learningRate">The base learning rate.</param>
    /// <returns>The trainer.</returns>
    public static MlpTrainer Mlp(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int[]? hiddenLayerSizes = null,
        int epochs = DeepTrainerOptions.Defaults.Epochs,
        int batchSize = DeepTrainerOptions.Defaults.BatchSize,
        double learningRate = DeepTrainerOptions.Defaults.LearningRate) =>
        Mlp(catalog, NewMlpOptions(labelColumnName, featureColumnName, hiddenLayerSizes, epochs, batchSize, learningRate));

    /// <summary>A multi-layer perceptron for multiclass classification, with every option.</summary>
    /// <param name="catalog">ml.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static MlpTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, MlpOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.MulticlassClassification, context);

    /// <summary>A multi-layer perceptron for binary classification.</summary>
    /// <param name="catalog">ml.BinaryClassification.Trainers.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <param name="hiddenLayerSizes">The units of each hidden layer; null for the default.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="batchSize">Rows per mini-batch.</param>
    /// <param name="learningRate">The base learning rate.</param>
    /// <returns>The trainer.</returns>
    public static MlpTrainer Mlp(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int[]? hiddenLayerSizes = null,
        int epochs = DeepTrainerOptions.Defaults.Epochs,
        int batchSize = DeepTrainerOptions.Defaults.BatchSize,
        double learningRate = DeepTrainerOptions.Defaults.LearningRate) =>
        Mlp(catalog, NewMlpOptions(labelColumnName, featureColumnName, hiddenLayerSizes, epochs, batchSize, learningRate));

    /// <summary>A multi-layer perceptron for binary classification, with every option.</summary>
    /// <param name="catalog">ml.BinaryClassification.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static MlpTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, MlpOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.BinaryClassification, context);

    /// <summary>A multi-layer perceptron for regression.</summary>
    /// <param name="catalog">ml.Regression.Trainers.</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single.</param>
    /// <param name="hiddenLayerSizes">The units of each hidden layer; null for the default.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="batchSize">Rows per mini-batch.</param>
    /// <param name="learningRate">The base learning rate.</param>
    /// <returns>The trainer.</returns>
    public static MlpTrainer Mlp(
        this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int[]? hiddenLayerSizes = null,
        int epochs = DeepTrainerOptions.Defaults.Epochs,
        int batchSize = DeepTrainerOptions.Defaults.BatchSize,
        double learningRate = DeepTrainerOptions.Defaults.LearningRate) =>
        Mlp(catalog, NewMlpOptions(labelColumnName, featureColumnName, hiddenLayerSizes, epochs, batchSize, learningRate));

    /// <summary>A multi-layer perceptron for regression, with every option.</summary>
    /// <param name="catalog">ml.Regression.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static MlpTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog, MlpOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.Regression, context);

    /// <summary>A convolutional network for multiclass image classification.</summary>
    /// <param name="catalog">ml.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The pixel column, a known-size vector of Single (channels first, as ExtractPixels gives).</param>
    /// <param name="imageHeight">The image height in pixels.</param>
    /// <param name="imageWidth">The image width in pixels.</param>
    /// <param name="channels">The colour channels.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <returns>The trainer.</returns>
    public static CnnTrainer Cnn(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int imageHeight = CnnOptions.Defaults.ImageHeight,
        int imageWidth = CnnOptions.Defaults.ImageWidth,
        int channels = CnnOptions.Defaults.Channels,
        int epochs = DeepTrainerOptions.Defaults.Epochs) =>
        Cnn(catalog, NewCnnOptions(labelColumnName, featureColumnName, imageHeight, imageWidth, channels, epochs));

    /// <summary>A convolutional network for multiclass image classification, with every option.</summary>
    /// <param name="catalog">ml.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static CnnTrainer Cnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, CnnOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.MulticlassClassification, context);

    /// <summary>A convolutional network for binary image classification.</summary>
    /// <param name="catalog">ml.BinaryClassification.Trainers.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The pixel column, a known-size vector of Single (channels first, as ExtractPixels gives).</param>
    /// <param name="imageHeight">The image height in pixels.</param>
    /// <param name="imageWidth">The image width in pixels.</param>
    /// <param name="channels">The colour channels.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <returns>The trainer.</returns>
    public static CnnTrainer Cnn(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int imageHeight = CnnOptions.Defaults.ImageHeight,
        int imageWidth = CnnOptions.Defaults.ImageWidth,
        int channels = CnnOptions.Defaults.Channels,
        int epochs = DeepTrainerOptions.Defaults.Epochs) =>
        Cnn(catalog, NewCnnOptions(labelColumnName, featureColumnName, imageHeight, imageWidth, channels, epochs));

    /// <summary>A convolutional network for binary image classification, with every option.</summary>
    /// <param name="catalog">ml.BinaryClassification.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static CnnTrainer Cnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, CnnOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.BinaryClassification, context);

    /// <summary>An LSTM sequence classifier for multiclass classification of text or token keys.</summary>
    /// <param name="catalog">ml.MulticlassClassification.Trainers.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The text column, or a vector of keys from TokenizeIntoWords and MapValueToKey.</param>
    /// <param name="maxSequenceLength">Tokens read per row.</param>
    /// <param name="embeddingSize">The size of each token's embedding.</param>
    /// <param name="hiddenSize">Units of the recurrent layer.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <returns>The trainer.</returns>
    public static LstmTrainer Lstm(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int maxSequenceLength = LstmOptions.Defaults.MaxSequenceLength,
        int embeddingSize = LstmOptions.Defaults.EmbeddingSize,
        int hiddenSize = LstmOptions.Defaults.HiddenSize,
        int epochs = DeepTrainerOptions.Defaults.Epochs) =>
        Lstm(catalog, NewLstmOptions(labelColumnName, featureColumnName, maxSequenceLength, embeddingSize, hiddenSize, epochs));

    /// <summary>An LSTM or GRU sequence classifier for multiclass classification, with every option.</summary>
    /// <param name="catalog">ml.MulticlassClassification.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static LstmTrainer Lstm(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, LstmOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.MulticlassClassification, context);

    /// <summary>An LSTM sequence classifier for binary classification of text or token keys.</summary>
    /// <param name="catalog">ml.BinaryClassification.Trainers.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The text column, or a vector of keys from TokenizeIntoWords and MapValueToKey.</param>
    /// <param name="maxSequenceLength">Tokens read per row.</param>
    /// <param name="embeddingSize">The size of each token's embedding.</param>
    /// <param name="hiddenSize">Units of the recurrent layer.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <returns>The trainer.</returns>
    public static LstmTrainer Lstm(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = DeepTrainerOptions.Defaults.LabelColumnName,
        string featureColumnName = DeepTrainerOptions.Defaults.FeatureColumnName,
        int maxSequenceLength = LstmOptions.Defaults.MaxSequenceLength,
        int embeddingSize = LstmOptions.Defaults.EmbeddingSize,
        int hiddenSize = LstmOptions.Defaults.HiddenSize,
        int epochs = DeepTrainerOptions.Defaults.Epochs) =>
        Lstm(catalog, NewLstmOptions(labelColumnName, featureColumnName, maxSequenceLength, embeddingSize, hiddenSize, epochs));

    /// <summary>An LSTM or GRU sequence classifier for binary classification, with every option.</summary>
    /// <param name="catalog">ml.BinaryClassification.Trainers.</param>
    /// <param name="options">The options.</param>
    /// <param name="context">Validation data, progress, teacher and cancellation; null for none.</param>
    /// <returns>The trainer.</returns>
    public static LstmTrainer Lstm(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, LstmOptions options, DeepFitContext? context = null) =>
        new(MlNetInternals.Environment(catalog ?? throw new ArgumentNullException(nameof(catalog))), options, PredictionKind.BinaryClassification, context);

    private static LstmOptions NewLstmOptions(string label, string features, int maxSequenceLength, int embeddingSize, int hiddenSize, int epochs) => new()
    {
        LabelColumnName = label,
        FeatureColumnName = features,
        MaxSequenceLength = maxSequenceLength,
        EmbeddingSize = embeddingSize,
        HiddenSize = hiddenSize,
        Epochs = epochs,
    };

    private static CnnOptions NewCnnOptions(string label, string features, int height, int width, int channels, int epochs) => new()
    {
        LabelColumnName = label,
        FeatureColumnName = features,
        ImageHeight = height,
        ImageWidth = width,
        Channels = channels,
        Epochs = epochs,
    };

    private static MlpOptions NewMlpOptions(string label, string features, int[]? hidden, int epochs, int batchSize, double learningRate) => new()
    {
        LabelColumnName = label,
        FeatureColumnName = features,
        HiddenLayerSizes = hidden ?? MlpOptions.Defaults.HiddenLayerSizes,
        Epochs = epochs,
        BatchSize = batchSize,
        LearningRate = learningRate,
    };
}
