// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DeepOpt.Trainers;

/// <summary>
/// What every DeepOpt trainer does as an ML.NET estimator: check the schema, read and split the data, train through the
/// one engine, and wrap the network in a <see cref="DeepPredictionTransformer"/>. A trainer only contributes its options,
/// whose network hook builds the network.
/// </summary>
/// <typeparam name="TOptions">The trainer's options type.</typeparam>
public abstract class DeepTrainerBase<TOptions> : IEstimator<DeepPredictionTransformer>
    where TOptions : DeepTrainerOptions
{
    private readonly IHostEnvironment _environment;
    private readonly int _seed;

    private protected DeepTrainerBase(IHostEnvironment environment, TOptions options, PredictionKind task, DeepFitContext? context)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Context = context ?? new DeepFitContext();
        options.Validate();
        Context.Check(options);
        TaskLoss.Resolve(options.Loss, task);
        Task = task;
        _seed = options.Seed ?? environment.Register("DeepOpt").Rand.Next();
    }

    /// <summary>The options this trainer was created with.</summary>
    public TOptions Options { get; }

    /// <summary>The run's objects every fit of this trainer uses: validation data, progress, teacher, cancellation.</summary>
    public DeepFitContext Context { get; }

    /// <summary>The task: it fixes the label type, the output columns and the default loss.</summary>
    public PredictionKind Task { get; }

    /// <summary>Checks the input shape and returns it with the prediction columns added.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    /// <returns>The shape after the trainer.</returns>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.CheckShape(inputSchema, Options, Task);
        var label = inputSchema.First(c => c.Name == Options.LabelColumnName);
        var outputs = new OutputColumns(Task, 2, Task == PredictionKind.MulticlassClassification ? LabelKeyValues.ForShape(label) : null);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(outputs.Columns);
        var added = MlNetInternals.Shape(builder.ToSchema());
        var names = added.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    private static string Describe(FeatureSpec spec) =>
        spec.Tokens is { } tokens ? $"{tokens.Describe()} read as {spec.Size} tokens"
        : spec.Image is { } image ? $"images of {image.Height}×{image.Width}×{image.Channels}" : $"vector of Single of size {spec.Size}";

    /// <summary>Trains the network on <paramref name="input"/>. All checks run before any tensor is made.</summary>
    /// <param name="input">The training data.</param>
    /// <returns>The trained model.</returns>
    public DeepPredictionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Context.Check(Options);
        using var fineTuning = FineTuning.Open(Options, Context);
        var all = LabeledData.Read(input, Options, Task, LabeledData.TrainingData, fineTuning?.Features); // a text model keeps its vocabulary
        var keyValues = Task == PredictionKind.MulticlassClassification ? LabelKeyValues.From(input.Schema[Options.LabelColumnName]) : null;
        fineTuning?.CheckFits(Options, Task, all.Spec, keyValues);
        LabeledData train = all;
        LabeledData? validation = null;
        if (Context.ValidationSet != null)
        {
            validation = LabeledData.Read(Context.ValidationSet, Options, Task, LabeledData.ValidationData, all.Spec);
            if (validation.Spec != all.Spec)
            {
                throw SchemaChecks.Mismatch(SchemaChecks.FeatureRole, Options.FeatureColumnName, $"{Describe(all.Spec)} in the validation data, as in the training data", Describe(validation.Spec), "Prepare the validation data with the same transforms as the training data.");
            }
        }
        else if (Options.ValidationFraction > 0)
        {
            var (trainRows, validationRows) = ValidationSplit.Split(all.Targets, Options.ValidationFraction, Task != PredictionKind.Regression, _seed);
            if (validationRows.Length == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.ValidationFraction), Options.ValidationFraction, $"`ValidationFraction` {Options.ValidationFraction} of {all.Count} rows holds out no row. Raise it or give more rows.");
            }

            train = all.Subset(trainRows);
            validation = all.Subset(validationRows);
        }

        if (train.Count < Options.BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(DeepTrainerOptions.BatchSize), Options.BatchSize, $"The training data has {train.Count} rows{(validation != null && Context.ValidationSet == null ? " after the validation split" : "")}, fewer than `BatchSize` ({Options.BatchSize}). Lower `BatchSize` or give more rows.");
        }

        using var channel = _environment.Start("DeepOpt");
        if (all.Spec.Tokens != null && VocabularyCheck.Warning(train, validation, Options.FeatureColumnName) is { } warning)
        {
            MlNetInternals.Warning(channel, warning);
        }

        var design = NetworkDesign.Of(Options);
        var options = design.ForFeatures(all.Spec);
        TaskLoss.ClassWeights(Options, Task, all.ClassCount, train.Targets);
        if (Context.Teacher != null)
        {
            Distillation.Check(Context.Teacher, Task, all.ClassCount, all.Spec);
        }

        var device = Devices.Resolve(Options.Device);
        int width = Task == PredictionKind.MulticlassClassification ? all.ClassCount : 1;
        var (network, history) = TrainingEngine.Fit(
            () => NetworkDesign.Of(options).Build(all.FeatureSize, width), train, validation, options, Task, _seed, device, message => MlNetInternals.Info(channel, message), Context, fineTuning);
        var description = new ModelDescription(Task, all.ClassCount, all.Spec, keyValues, options.Clone(), history);
        return new DeepPredictionTransformer(description, network, device);
    }
}
