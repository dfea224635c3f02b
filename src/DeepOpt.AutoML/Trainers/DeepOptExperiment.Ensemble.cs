// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.AutoML;

public sealed partial class DeepOptExperiment
{
    private (DeepOptTrialRunner Runner, DataViewSchema InputSchema)? _lastRun;

    /// <summary>
    /// Makes one model of the best completed trials of the last <see cref="RunAsync"/>: each trial's configuration is
    /// fitted again as its trial fitted it (the same data, featurizer and seed, so the same weights on CPU; with folds,
    /// on the first fold), and the <see cref="EnsembleTransformer"/> averages their predictions.
    /// </summary>
    /// <remarks>
    /// Trials are ranked as the best trial is chosen: by loss, ties to the earlier. Pruned, failed and canceled trials
    /// never take part. The ensemble reads the data the experiment was given (before its featurizer), owns its members,
    /// and saves, loads and exports like any DeepOpt model.
    /// </remarks>
    /// <param name="count">How many of the best trials to average; fewer when fewer completed.</param>
    /// <param name="seedsPerTrial">
    /// Members made of each trial: the first with the trial's own seed (its weights), the others with the seeds after it.
    /// Trials of one sweep share its seed and are often near-copies; more seeds make the members differ, which is what
    /// an average gains from.
    /// </param>
    /// <param name="cancellationToken">Stops the fit in progress at its next batch.</param>
    /// <returns>The ensemble of the best trials' models.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> or <paramref name="seedsPerTrial"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">The experiment has not run, or no trial completed.</exception>
    public async Task<EnsembleTransformer> CreateEnsembleAsync(int count = 5, int seedsPerTrial = 1, CancellationToken cancellationToken = default)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"`{nameof(count)}` must be 1 or more: the number of best trials to average.");
        }

        CheckSeeds(seedsPerTrial);

        _ = _lastRun ?? throw new InvalidOperationException("Run the experiment with RunAsync before making an ensemble of its trials.");
        var best = BestTrials(count);
        if (best.Count == 0)
        {
            throw new InvalidOperationException("No trial of this experiment completed, so there is no model to ensemble. Give the sweep more time or trials.");
        }

        return await CreateEnsembleAsync(best, seedsPerTrial, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes one model of chosen completed trials of the last run, for example some of a multi-objective sweep's Pareto
    /// front (<see cref="ParetoFront"/>): each trial's configuration is fitted again as its trial fitted it, and the
    /// <see cref="EnsembleTransformer"/> averages their predictions.
    /// </summary>
    /// <param name="trials">Completed trials of this experiment.</param>
    /// <param name="seedsPerTrial">Members made of each trial, as in <see cref="CreateEnsembleAsync(int, int, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Stops the fit in progress at its next batch.</param>
    /// <returns>The ensemble of the trials' models.</returns>
    /// <exception cref="ArgumentException">No trial is given, or one did not complete.</exception>
    /// <exception cref="InvalidOperationException">The experiment has not run.</exception>
    public async Task<EnsembleTransformer> CreateEnsembleAsync(IEnumerable<TrialResult> trials, int seedsPerTrial = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        CheckSeeds(seedsPerTrial);

        var (runner, inputSchema) = _lastRun ?? throw new InvalidOperationException("Run the experiment with RunAsync before making an ensemble of its trials.");
        var chosen = trials.ToList();
        if (chosen.Count == 0)
        {
            throw new ArgumentException("Give at least one trial to ensemble, for example experiment.ParetoFront.", nameof(trials));
        }

        if (chosen.FirstOrDefault(t => t.State != TrialState.Completed) is { } unfinished)
        {
            throw new ArgumentException($"Trial {unfinished.TrialSettings.TrialId} is {unfinished.State}, not completed: only completed trials have a model to refit.", nameof(trials));
        }

        var members = new List<ITransformer>();
        try
        {
            foreach (var trial in chosen)
            {
                for (int offset = 0; offset < seedsPerTrial; offset++)
                {
                    int seedOffset = offset;
                    members.Add(await Task.Run(() => runner.Refit(trial.TrialSettings.Parameter, cancellationToken, seedOffset), cancellationToken).ConfigureAwait(false));
                }
            }

            return _ml.Model.CreateEnsemble(members, inputSchema);
        }
        catch
        {
            members.ForEach(TrialModels.Release);
            throw;
        }
    }

    private static void CheckSeeds(int seedsPerTrial)
    {
        if (seedsPerTrial < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(seedsPerTrial), seedsPerTrial, $"`{nameof(seedsPerTrial)}` must be 1 or more: 1 refits each trial with its own seed only.");
        }
    }

    /// <summary>The <paramref name="count"/> completed trials of lowest loss, ties to the one that finished first.</summary>
    internal IReadOnlyList<TrialResult> BestTrials(int count) =>
        Trials.Select((trial, order) => (trial, order))
            .Where(t => t.trial.State == TrialState.Completed && double.IsFinite(t.trial.Loss))
            .OrderBy(t => t.trial.Loss).ThenBy(t => t.order)
            .Take(count)
            .Select(t => t.trial)
            .ToList();
}
