// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Trainers;
using Microsoft.ML.Runtime;

namespace DeepOpt.AutoML;

/// <summary>
/// The entry point of DeepOpt's AutoML, reached with <c>ml.DeepOptAuto()</c>: sweepable trainers with their default
/// search spaces, and experiments.
/// </summary>
public sealed class DeepOptAutoCatalog
{
    private readonly Microsoft.ML.MLContext _ml;

    internal DeepOptAutoCatalog(Microsoft.ML.MLContext ml)
    {
        _ml = ml;
    }

    /// <summary>The CNN trainer over a search space (by default <see cref="CnnSearchSpace"/>).</summary>
    /// <param name="options">The options every trial starts from: columns, image shape, anything not searched. Null uses the defaults.</param>
    /// <param name="searchSpace">The space; null uses <see cref="CnnSearchSpace"/>'s attributes.</param>
    /// <param name="context">Progress, teacher and cancellation shared by every trial; null for none.</param>
    /// <returns>A sweepable trainer named "cnn".</returns>
    public SweepableTrainer Cnn(CnnOptions? options = null, SearchSpace<CnnSearchSpace>? searchSpace = null, DeepFitContext? context = null)
        => Create<CnnOptions, CnnSearchSpace>("cnn", options ?? new CnnOptions(), searchSpace, context, (space, o) => space.ApplyTo(o));

    /// <summary>The MLP trainer over a search space (by default <see cref="MlpSearchSpace"/>).</summary>
    /// <param name="options">The options every trial starts from. Null uses the defaults.</param>
    /// <param name="searchSpace">The space; null uses <see cref="MlpSearchSpace"/>'s attributes.</param>
    /// <param name="context">Progress, teacher and cancellation shared by every trial; null for none.</param>
    /// <returns>A sweepable trainer named "mlp".</returns>
    public SweepableTrainer Mlp(MlpOptions? options = null, SearchSpace<MlpSearchSpace>? searchSpace = null, DeepFitContext? context = null)
        => Create<MlpOptions, MlpSearchSpace>("mlp", options ?? new MlpOptions(), searchSpace, context, (space, o) => space.ApplyTo(o));

    /// <summary>The LSTM/GRU trainer over a search space (by default <see cref="LstmSearchSpace"/>).</summary>
    /// <param name="options">The options every trial starts from: columns, vocabulary, sequence length. Null uses the defaults.</param>
    /// <param name="searchSpace">The space; null uses <see cref="LstmSearchSpace"/>'s attributes.</param>
    /// <param name="context">Progress, teacher and cancellation shared by every trial; null for none.</param>
    /// <returns>A sweepable trainer named "lstm".</returns>
    public SweepableTrainer Lstm(LstmOptions? options = null, SearchSpace<LstmSearchSpace>? searchSpace = null, DeepFitContext? context = null)
        => Create<LstmOptions, LstmSearchSpace>("lstm", options ?? new LstmOptions(), searchSpace, context, (space, o) => space.ApplyTo(o));

    /// <summary>
    /// A trainer over a search space of your own: <paramref name="apply"/> sets each trial's options from the sampled
    /// space, so any option can be tuned (for example the fine-tuning ones: <c>FreezeBlocks</c>,
    /// <c>PretrainedLearningRateFactor</c>).
    /// </summary>
    /// <typeparam name="TOptions">CnnOptions, LstmOptions or MlpOptions.</typeparam>
    /// <typeparam name="TSpace">A class whose properties carry [Range] or [Choice] attributes.</typeparam>
    /// <param name="name">The name that tells the trainer from the others of a sweep.</param>
    /// <param name="options">The options every trial starts from.</param>
    /// <param name="searchSpace">The space; null uses <typeparamref name="TSpace"/>'s attributes.</param>
    /// <param name="apply">Copies a sampled point of the space onto a trial's options.</param>
    /// <param name="context">Progress, teacher, pretrained model and cancellation shared by every trial; null for none.</param>
    /// <returns>A sweepable trainer.</returns>
    public SweepableTrainer Custom<TOptions, TSpace>(string name, TOptions options, SearchSpace<TSpace>? searchSpace, Action<TSpace, TOptions> apply, DeepFitContext? context = null)
        where TOptions : DeepTrainerOptions
        where TSpace : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(apply);
        return Create(name, options, searchSpace, context, apply);
    }

    /// <summary>Creates an experiment whose tuners are seeded from the MLContext's seed.</summary>
    /// <returns>A new experiment.</returns>
    public DeepOptExperiment CreateExperiment() => new(_ml, ((IHostEnvironment)_ml).Register("DeepOpt.AutoML").Rand.Next());

    private static SweepableTrainer Create<TOptions, TSpace>(
        string name, TOptions options, SearchSpace<TSpace>? searchSpace, DeepFitContext? context, Action<TSpace, TOptions> apply)
        where TOptions : DeepTrainerOptions
        where TSpace : class, new()
    {
        var space = searchSpace ?? new SearchSpace<TSpace>();
        var missing = new SearchSpace<TSpace>().Keys.Where(key => !space.ContainsKey(key)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"The {typeof(TSpace).Name} has no option '{missing[0]}': to fix its value, replace the option with a one-candidate "
                + $"choice, for example space[\"{missing[0]}\"] = new ChoiceOption(10), instead of removing it.", nameof(searchSpace));
        }

        return new(name, space, options, context ?? new DeepFitContext(), (parameter, target) => apply(parameter.AsType<TSpace>(), (TOptions)target));
    }
}
