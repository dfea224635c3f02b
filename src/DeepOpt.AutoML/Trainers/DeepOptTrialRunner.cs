// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML;

/// <summary>
/// Runs one trial of a DeepOpt sweep: builds the trainer's options from the trial's parameter, fits on each fold's
/// featurized training data with the fold's validation data, reports every epoch's validation value, and scores the
/// fitted model with ML.NET's evaluator.
/// </summary>
/// <remarks>
/// With several folds, the intermediate values come from the first fold (so pruning can stop a trial during it), the
/// metrics are the mean over folds and the model is the one of the best fold. A trial stops within one batch when the
/// pruner, the time budget or the caller's token says so, or when its training loss stops being finite (a failure).
/// </remarks>
internal sealed class DeepOptTrialRunner : ITrialRunner
{
    private readonly MLContext _ml;
    private readonly IReadOnlyList<SweepFold> _folds;
    private readonly IReadOnlyDictionary<string, SweepableTrainer> _trainers;
    private readonly TaskEvaluator _evaluator;
    private readonly int _seed;
    private readonly int? _threads;
    private readonly ModelKeeper _keeper;
    private readonly MultiObjective.ObjectiveSet? _objectives;

    // threads: TorchSharp threads per trial when the trainer's options leave them unset, or null. Each trial's model
    // goes to the keeper, not into its result. objectives: those of a multi-objective sweep, which say what to measure.
    public DeepOptTrialRunner(
        MLContext ml, IReadOnlyList<SweepFold> folds, IReadOnlyDictionary<string, SweepableTrainer> trainers, TaskEvaluator evaluator, int seed, int? threads, ModelKeeper keeper,
        MultiObjective.ObjectiveSet? objectives = null)
    {
        _objectives = objectives;
        _keeper = keeper;
        _ml = ml;
        _folds = folds;
        _trainers = trainers;
        _evaluator = evaluator;
        _seed = seed;
        _threads = threads;
    }

    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // A trial is long blocking work: its own thread, so parallel trials start at once instead of waiting for the
        // thread pool to grow (on 2 cores, a second trial queued behind the first until it ended).
        return Task.Factory.StartNew(() => Run(settings, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose()
    {
        // The folds' data and featurizers belong to the experiment.
    }

    /// <summary>
    /// Fits a trial's configuration again on the first fold and returns its model: with the trial's seed when
    /// <paramref name="seedOffset"/> is 0 (so the trial's weights on CPU), otherwise with that seed plus the offset.
    /// </summary>
    public ITransformer Refit(Parameter parameter, CancellationToken cancellationToken, int seedOffset = 0)
    {
        var (trainer, own) = Resolve(_trainers, parameter);
        var settings = new TrialSettings { Parameter = parameter };
        return Fit(settings, trainer, own, _folds[0], reportIntermediate: false, cancellationToken, seedOffset).Model;
    }

    /// <summary>The trainer a parameter names, and its own part of the parameter.</summary>
    internal static (SweepableTrainer Trainer, Parameter Parameter) Resolve(IReadOnlyDictionary<string, SweepableTrainer> trainers, Parameter parameter)
    {
        if (trainers.Count == 1)
        {
            var only = trainers.Values.Single();
            return (only, parameter);
        }

        string name = parameter[EciTuner.PipelineKey].AsType<string>();
        return (trainers[name], parameter[name]);
    }

    private TrialResult Run(TrialSettings settings, CancellationToken cancellationToken)
    {
        var (trainer, parameter) = Resolve(_trainers, settings.Parameter);
        var clock = Stopwatch.StartNew();
        using var memory = new PeakMemory();
        var foldMetrics = new List<Dictionary<string, double>>();
        var models = new List<ITransformer>();
        try
        {
            for (int f = 0; f < _folds.Count; f++)
            {
                var (metrics, model) = Fit(settings, trainer, parameter, _folds[f], reportIntermediate: f == 0, cancellationToken);
                foldMetrics.Add(metrics);
                models.Add(model);
            }
        }
        catch
        {
            models.ForEach(TrialModels.Release);
            throw;
        }

        var mean = foldMetrics[0].Keys.ToDictionary(k => k, k => foldMetrics.Average(m => m[k]));
        int best = Enumerable.Range(0, models.Count).MinBy(i => _evaluator.LossOf(foldMetrics[i][_evaluator.MetricName]));
        for (int i = 0; i < models.Count; i++)
        {
            if (i != best)
            {
                TrialModels.Release(models[i]);
            }
        }

        double metric = mean[_evaluator.MetricName];
        var network = models[best] is Microsoft.ML.Data.TransformerChain<ITransformer> chain ? chain.LastTransformer : models[best];
        try
        {
            foreach (var (name, value) in TrialMeasures.Measure(_ml, network, _folds[best].Validation, _objectives))
            {
                mean[name] = value;
            }
        }
        catch
        {
            TrialModels.Release(models[best]);
            throw;
        }

        mean[TrialMeasures.TrainingTimeInSeconds] = clock.Elapsed.TotalSeconds;
        _keeper.Hold(settings.TrialId, models[best]);
        return new TrialResult
        {
            TrialSettings = settings,
            Metric = metric,
            Loss = _evaluator.LossOf(metric),
            Metrics = mean,
            DurationInMilliseconds = clock.Elapsed.TotalMilliseconds,
            PeakMemoryInMegaByte = memory.Megabytes,
        };
    }

    private (Dictionary<string, double> Metrics, ITransformer Model) Fit(
        TrialSettings settings, SweepableTrainer trainer, Parameter parameter, SweepFold fold, bool reportIntermediate, CancellationToken cancellationToken, int seedOffset = 0)
    {
        var options = trainer.CreateOptions(parameter);
        options.ValidationFraction = 0;
        options.Seed = unchecked((options.Seed ?? _seed) + seedOffset);
        options.ThreadCount ??= _threads;
        var shared = trainer.Context;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shared.CancellationToken);
        // The shared context with the trial's own validation data, pruning progress and cancellation: every other
        // member (batch progress, teacher, pretrained model) is the shared one, whatever the context holds.
        var context = shared.Clone();
        context.ValidationSet = fold.Validation;
        context.Progress = new EpochWatcher(settings, _evaluator, reportIntermediate, shared.Progress); // throws TrialPrunedException when pruned
        context.CancellationToken = stop.Token;
        var trained = _evaluator.CreateTrainer(_ml, options, context).Fit(fold.Train);

        // A fit whose loss stops being finite throws TrainingDivergedException itself: the trial fails with its message.
        try
        {
            var metrics = _evaluator.Evaluate(_ml, trained.Transform(fold.Validation));
            return (metrics, TrialModels.Chain(fold.Featurizer, trained));
        }
        catch
        {
            TrialModels.Release(trained);
            throw;
        }
    }
}

/// <summary>One fold of a sweep's data: the featurizer fitted on its training part, and both parts featurized.</summary>
/// <param name="Featurizer">The fitted featurizer, or null without one.</param>
/// <param name="Train">The featurized training data.</param>
/// <param name="Validation">The featurized validation data.</param>
internal sealed record SweepFold(ITransformer? Featurizer, IDataView Train, IDataView Validation);
