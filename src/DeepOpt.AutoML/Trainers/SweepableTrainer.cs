// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.SearchSpace;
using DeepOpt.Trainers;

namespace DeepOpt.AutoML;

/// <summary>
/// A DeepOpt trainer with a search space: each trial's <see cref="Parameter"/> becomes the options the trainer fits with.
/// Get one from <c>ml.DeepOptAuto().Cnn(...)</c>, <c>.Mlp(...)</c> or <c>.Lstm(...)</c>.
/// </summary>
public sealed class SweepableTrainer
{
    private readonly DeepTrainerOptions _baseOptions;
    private readonly Action<Parameter, DeepTrainerOptions> _apply;

    internal SweepableTrainer(string name, SearchSpace.SearchSpace searchSpace, DeepTrainerOptions baseOptions, DeepFitContext context, Action<Parameter, DeepTrainerOptions> apply)
    {
        Name = name;
        SearchSpace = searchSpace;
        _baseOptions = baseOptions;
        Context = context;
        _apply = apply;
    }

    /// <summary>Gets the name that tells this trainer from the others of a sweep (for example "cnn").</summary>
    public string Name { get; }

    /// <summary>Gets the search space; change its options through its indexer before the sweep starts.</summary>
    public SearchSpace.SearchSpace SearchSpace { get; }

    /// <summary>Gets the options every trial starts from (columns, image shape, settings not searched).</summary>
    public DeepTrainerOptions BaseOptions => _baseOptions;

    /// <summary>Gets the run's objects every trial shares: its progress hears every epoch and batch of every trial, its
    /// teacher teaches every trial, every trial starts from its pretrained model, and its cancellation stops them all. Each trial validates on its own fold, so its
    /// <see cref="DeepFitContext.ValidationSet"/> is not used.</summary>
    public DeepFitContext Context { get; }

    /// <summary>Returns the same trainer and space under another name, so two variants can compete in one sweep.</summary>
    /// <param name="name">The new name.</param>
    /// <returns>A new sweepable trainer.</returns>
    public SweepableTrainer Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new SweepableTrainer(name, SearchSpace, _baseOptions, Context, _apply);
    }

    /// <summary>Builds the options of one trial: a copy of <see cref="BaseOptions"/> with the parameter's values.</summary>
    /// <param name="parameter">A configuration sampled from <see cref="SearchSpace"/>.</param>
    /// <returns>New options; the base options are not changed.</returns>
    public DeepTrainerOptions CreateOptions(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var options = _baseOptions.Clone();
        _apply(parameter, options);
        return options;
    }
}
