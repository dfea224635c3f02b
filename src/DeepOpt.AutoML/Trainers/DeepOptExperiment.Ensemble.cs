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

        if (seedsPerTrial < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(seedsPerTrial), seedsPerTrial, $"`{nameof(seedsPerTrial)}` must be 1 or more: 1 refits each trial with its own seed only.");
        }

        var (runner, inputSchema) = _lastRun ?? throw new InvalidOperationException("Run the experiment with RunAsync before making an ensemble of its trials.");
        var best = BestTrials(count);
        if (best.Count == 0)
        {
            throw new InvalidOperationException("No trial of this experiment completed, so there is no model to ensemble. Give the sweep more time or trials.");
        }

        var members = new List<ITransformer>();
        try
        {
            foreach (var trial in best)
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

    /// <summary>The <paramref name="count"/> completed trials of lowest loss, ties to the one that finished first.</summary>
    internal IReadOnlyList<TrialResult> BestTrials(int count) =>
        Trials.Select((trial, order) => (trial, order))
            .Where(t => t.trial.State == TrialState.Completed && double.IsFinite(t.trial.Loss))
            .OrderBy(t => t.trial.Loss).ThenBy(t => t.order)
            .Take(count)
            .Select(t => t.trial)
            .ToList();
}
