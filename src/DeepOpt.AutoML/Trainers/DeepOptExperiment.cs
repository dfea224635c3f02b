// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Pruners;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;
using Microsoft.ML;

namespace DeepOpt.AutoML;

/// <summary>
/// A sweep of DeepOpt trainers, with the fluent shape of ML.NET AutoML's <c>AutoMLExperiment</c>: set the data, the
/// pipeline, the metric, a tuner and a budget, then <see cref="RunAsync"/> returns the best trial with its fitted model.
/// </summary>
/// <remarks>
/// <para>
/// The featurizer is fitted once per fold, before the first trial, and its output is cached; trials only train the
/// network. With several trainers (<see cref="SetPipeline(IEstimator{ITransformer}, SweepableTrainer[])"/>), an
/// <see cref="EciTuner"/> spends trials where the estimated cost for improvement is lowest and the chosen tuner searches
/// inside each trainer's space. A maximised metric becomes <c>Loss = -metric</c>.
/// </para>
/// <para>
/// Each trial reports its validation value after every epoch (accuracy or R-squared for a maximised metric, else the
/// validation loss, both as losses), so a pruner (<see cref="SetPruner"/>) can stop it at the next batch. Only the best
/// trial's model is kept; the others' networks are released as soon as they lose.
/// </para>
/// <para>
/// With a store (<see cref="SetStorage(string)"/>), trials outlive the process: a sweep resumes where it stopped, and
/// many workers can share one PostgreSQL sweep. When the best trial ran in another process, <see cref="RunAsync"/>
/// refits its configuration here (same seed, first fold) so the returned trial always has a model.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var experiment = ml.DeepOptAuto().CreateExperiment()
///     .SetDataset(train, validation)
///     .SetPipeline(featurizer, ml.DeepOptAuto().Cnn(new CnnOptions { ImageHeight = 28, ImageWidth = 28 }))
///     .SetMulticlassClassificationMetric(MulticlassClassificationMetric.MacroAccuracy)
///     .SetBayesianTuner()
///     .SetPruner(new SuccessiveHalvingPruner())
///     .SetMaxTrials(40).SetTrainingTimeInSeconds(900);
/// TrialResult best = await experiment.RunAsync(cancellationToken);
/// </code>
/// </example>
public sealed partial class DeepOptExperiment : IDisposable
{
    private readonly MLContext _ml;
    private readonly int _seed;
    private readonly ExperimentSettings _settings = new();
    private readonly TuningExperiment _experiment;
    private Func<SearchSpace.SearchSpace, int, ITuner>? _tunerFactory;
    private IDataView? _train;
    private IDataView? _validation;
    private int _folds;
    private string? _samplingKeyColumn;
    private IEstimator<ITransformer>? _featurizer;
    private Dictionary<string, SweepableTrainer>? _trainers;
    private TaskEvaluator? _evaluator;
    private IMonitor? _monitor;

    internal DeepOptExperiment(MLContext ml, int seed)
    {
        _ml = ml;
        _seed = seed;
        _experiment = new TuningExperiment(_settings); // the settings are one object: the setters below write into it
    }

    /// <summary>Gets the finished trials (completed, pruned and failed), in the order they finished.</summary>
    public IReadOnlyList<TrialResult> Trials => _experiment.Trials;

    /// <summary>Gets why the last <see cref="RunAsync"/> ended before its budget, or null when it did not.</summary>
    /// <value>For example that every configuration of a finite search space has been evaluated, with its size.</value>
    public string? StopReason => _experiment.StopReason;

    /// <summary>Sets the training and validation data: trials train on the first and are scored on the second.</summary>
    /// <param name="train">The training data, before the featurizer.</param>
    /// <param name="validation">The validation data, before the featurizer.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetDataset(IDataView train, IDataView validation)
    {
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _validation = validation ?? throw new ArgumentNullException(nameof(validation));
        _folds = 0;
        return this;
    }

    /// <summary>Sets the data for cross-validation: each trial trains once per fold and is scored by the mean metric.</summary>
    /// <param name="data">All the data, before the featurizer.</param>
    /// <param name="folds">The number of folds, at least 2.</param>
    /// <param name="samplingKeyColumnName">Rows with the same value in this column stay in one fold, or null.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetDataset(IDataView data, int folds = 5, string? samplingKeyColumnName = null)
    {
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Cross-validation needs at least 2 folds, but got {folds}.");
        }

        _train = data ?? throw new ArgumentNullException(nameof(data));
        _validation = null;
        _folds = folds;
        _samplingKeyColumn = samplingKeyColumnName;
        return this;
    }

    /// <summary>Sets the pipeline: a featurizer (fitted once, not swept) followed by one of the trainers.</summary>
    /// <param name="featurizer">The transforms before the trainer, or null.</param>
    /// <param name="trainers">The alternatives, each with a distinct <see cref="SweepableTrainer.Name"/>.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetPipeline(IEstimator<ITransformer>? featurizer, params SweepableTrainer[] trainers)
    {
        ArgumentNullException.ThrowIfNull(trainers);
        if (trainers.Length == 0)
        {
            throw new ArgumentException("Give at least one trainer, for example ml.DeepOptAuto().Cnn(...).", nameof(trainers));
        }

        var duplicate = trainers.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new ArgumentException(
                $"Two trainers are named '{duplicate.Key}': rename one with Named(\"...\") so the sweep can tell them apart.", nameof(trainers));
        }

        _featurizer = featurizer;
        _trainers = trainers.ToDictionary(t => t.Name);
        return this;
    }

    /// <summary>Sets the pipeline to one or more trainers with no featurizer.</summary>
    /// <param name="trainers">The alternatives.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetPipeline(params SweepableTrainer[] trainers) => SetPipeline(null, trainers);

    /// <summary>Makes the sweep a multiclass classification one, optimising <paramref name="metric"/>.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="labelColumn">The label column after the featurizer (a key).</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetMulticlassClassificationMetric(
        MulticlassClassificationMetric metric = MulticlassClassificationMetric.MacroAccuracy, string labelColumn = "Label")
        => SetEvaluator(TaskEvaluator.Multiclass(metric, labelColumn));

    /// <summary>Makes the sweep a binary classification one, optimising <paramref name="metric"/>.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="labelColumn">The Boolean label column after the featurizer.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetBinaryClassificationMetric(
        BinaryClassificationMetric metric = BinaryClassificationMetric.Accuracy, string labelColumn = "Label")
        => SetEvaluator(TaskEvaluator.Binary(metric, labelColumn));

    /// <summary>Makes the sweep a regression one, optimising <paramref name="metric"/>.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="labelColumn">The Single label column after the featurizer.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetRegressionMetric(RegressionMetric metric = RegressionMetric.RSquared, string labelColumn = "Label")
        => SetEvaluator(TaskEvaluator.Regression(metric, labelColumn));

    /// <summary>Searches each trainer's space with cost-frugal search from its cheap default: local search that
    /// starts cheap, for sweeps where a trial's cost grows with its options (epochs, width).</summary>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetCostFrugalTuner() => SetTunerFactory((space, seed) => new CostFrugalTuner(space, seed));

    /// <summary>Searches each trainer's space with Bayesian optimisation (a Gaussian process): the default tuner of a
    /// single objective (see <c>SetObjectives</c> for several), and the strongest in <c>bench/hpo</c>. Its first trial is
    /// the space's default point, DeepOpt's cheap start, then a Latin-hypercube design, so a short budget is not spent on
    /// a few random huge trials.</summary>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetBayesianTuner() => SetTunerFactory(Bayesian);

    private static ITuner Bayesian(SearchSpace.SearchSpace space, int seed) => new BayesianTuner(space, seed, startAtDefault: true);

    /// <summary>Searches each trainer's space at random.</summary>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetRandomSearchTuner() => SetTunerFactory((space, seed) => new RandomSearchTuner(space, seed));

    /// <summary>Searches each trainer's space on a grid.</summary>
    /// <param name="steps">Points per numeric option.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetGridSearchTuner(int steps = 5) => SetTunerFactory((space, seed) => new GridSearchTuner(space, steps, seed));

    /// <summary>Searches each trainer's space with a tuner of your own.</summary>
    /// <param name="tunerFactory">Creates the tuner of one trainer's space from the space and a seed.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetTunerFactory(Func<SearchSpace.SearchSpace, int, ITuner> tunerFactory)
    {
        _tunerFactory = tunerFactory ?? throw new ArgumentNullException(nameof(tunerFactory));
        return this;
    }

    /// <summary>Sets the pruner that stops hopeless trials, for example <see cref="SuccessiveHalvingPruner"/>.</summary>
    /// <param name="pruner">The pruner.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetPruner(IPruner pruner)
    {
        _settings.SetPruner(pruner);
        return this;
    }

    /// <summary>Sets the monitor that hears about every trial.</summary>
    /// <param name="monitor">The monitor.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetMonitor(IMonitor monitor)
    {
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        return this;
    }

    /// <summary>Sets the largest number of trials, failed and pruned ones included.</summary>
    /// <param name="maxTrials">At least 1.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetMaxTrials(int maxTrials)
    {
        _settings.SetMaxTrials(maxTrials);
        return this;
    }

    /// <summary>Sets the time budget; the running trial stops at its next batch when it runs out.</summary>
    /// <param name="seconds">Positive.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetTrainingTimeInSeconds(double seconds)
    {
        _settings.SetTrainingTimeInSeconds(seconds);
        return this;
    }

    /// <summary>Keeps the trials in a store: a file path or <c>Data Source=...</c> for SQLite (resumable), a
    /// <c>Host=...</c> connection string for PostgreSQL (many workers).</summary>
    /// <param name="pathOrConnectionString">Where the trials go.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetStorage(string pathOrConnectionString)
    {
        _settings.SetStorage(pathOrConnectionString);
        return this;
    }

    /// <summary>Keeps the trials in a store of your own.</summary>
    /// <param name="store">The store; the caller disposes it.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetStorage(ITrialStore store)
    {
        _settings.SetStorage(store);
        return this;
    }

    /// <summary>Names the sweep inside its store, so one database can hold many sweeps.</summary>
    /// <param name="sweepName">The name; "default" unless set.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetSweepName(string sweepName)
    {
        _settings.SetSweepName(sweepName);
        return this;
    }

    /// <summary>Names this worker in the store.</summary>
    /// <param name="workerId">The worker's id; host and process id unless set.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetWorkerId(string workerId)
    {
        _settings.SetWorkerId(workerId);
        return this;
    }

    /// <summary>Sets how long a worker may go silent before its running trial is reclaimed.</summary>
    /// <param name="timeout">Positive.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetHeartbeatTimeout(TimeSpan timeout)
    {
        _settings.SetHeartbeatTimeout(timeout);
        return this;
    }

    /// <summary>Sets the clock of the time budget, the heartbeats and the trials' start and end times.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> unless set.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetTimeProvider(TimeProvider timeProvider)
    {
        _settings.SetTimeProvider(timeProvider);
        return this;
    }

    /// <summary>Runs k trials at once in this process; TorchSharp's threads are divided between them unless the
    /// trainers' options set <c>ThreadCount</c>.</summary>
    /// <param name="count">At least 1.</param>
    /// <returns>This experiment.</returns>
    public DeepOptExperiment SetParallelTrials(int count)
    {
        _settings.SetParallelTrials(count);
        return this;
    }

    /// <summary>Closes a store the experiment opened from a path or connection string.</summary>
    public void Dispose() => _experiment.Dispose();

    /// <summary>Runs trials until a budget is spent or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops the running trial at its next batch and the sweep after it.</param>
    /// <returns>The best completed trial, with its <see cref="TrialResult.Model"/> (the featurizer and the network).</returns>
    /// <exception cref="InvalidOperationException">The data, pipeline or metric was not set, or every trial failed.</exception>
    public async Task<TrialResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var trainers = _trainers ?? throw new InvalidOperationException("Set the trainers with SetPipeline before running.");
        var evaluator = _evaluator ?? throw new InvalidOperationException(
            "Set the task with SetMulticlassClassificationMetric, SetBinaryClassificationMetric or SetRegressionMetric before running.");
        CheckObjectives(evaluator);
        var folds = PrepareFolds();
        var tunerFactory = _tunerFactory ?? DefaultTuner;
        var tuner = trainers.Count == 1
            ? tunerFactory(trainers.Values.Single().SearchSpace, _seed)
            : new EciTuner(trainers.ToDictionary(kv => kv.Key, kv => kv.Value.SearchSpace), tunerFactory, _seed);
        int? threads = _settings.ParallelTrials > 1 ? Math.Max(1, Environment.ProcessorCount / _settings.ParallelTrials) : null;
        var keeper = new ModelKeeper(() => _experiment.BestResult, _monitor);
        var trialRunner = new DeepOptTrialRunner(_ml, folds, trainers, evaluator, _seed, threads, keeper, _settings.Objectives);
        _lastRun = (trialRunner, _train!.Schema);
        var space = trainers.Count == 1
            ? trainers.Values.Single().SearchSpace
            : new SearchSpace.SearchSpace(trainers.Select(kv => KeyValuePair.Create<string, SearchSpace.OptionBase>(kv.Key, kv.Value.SearchSpace)));
        _experiment.SetTuner(tuner).SetTrialRunner(trialRunner).SetMonitor(keeper).SetSearchSpace(space);
        _experiment.SetTrainers([.. trainers.Keys]);
        var best = await _experiment.RunAsync(cancellationToken).ConfigureAwait(false);
        keeper.ReleaseAllButBest();

        // Without a model here, the best trial ran in another process (a resumed or shared sweep): fit its configuration.
        var model = keeper.Take(best.TrialSettings.TrialId)
            ?? await Task.Run(() => trialRunner.Refit(best.TrialSettings.Parameter, cancellationToken), cancellationToken).ConfigureAwait(false);
        return best with { Model = model };
    }

    private DeepOptExperiment SetEvaluator(TaskEvaluator evaluator)
    {
        _evaluator = evaluator;
        return this;
    }

    private List<SweepFold> PrepareFolds()
    {
        var train = _train ?? throw new InvalidOperationException("Set the data with SetDataset before running.");
        var splits = _folds == 0
            ? [(train, _validation!)]
            : _ml.Data.CrossValidationSplit(train, _folds, _samplingKeyColumn, _seed).Select(s => (s.TrainSet, s.TestSet)).ToList();
        return splits.Select(split => Featurize(split.Item1, split.Item2)).ToList();
    }

    private SweepFold Featurize(IDataView train, IDataView validation)
    {
        if (_featurizer == null)
        {
            return new SweepFold(null, _ml.Data.Cache(train), _ml.Data.Cache(validation));
        }

        var featurizer = _featurizer.Fit(train);
        return new SweepFold(featurizer, _ml.Data.Cache(featurizer.Transform(train)), _ml.Data.Cache(featurizer.Transform(validation)));
    }
}
