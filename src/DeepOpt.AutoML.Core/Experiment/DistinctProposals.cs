// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// The one place that keeps a sweep from evaluating a configuration twice: a tuner's proposal is checked against every
/// trial the store holds for the sweep (completed, pruned, failed or running, from this run, an earlier one or another
/// worker), whatever the tuner remembers.
/// </summary>
/// <remarks>
/// <para>
/// A repeated proposal is thrown away and the tuner is asked again for the same trial, up to <see cref="Retries"/>
/// times. The tuner is not told about the repeat: a re-ask overwrites what it recorded for the trial id, so nothing
/// false reaches its model, and every tuner's next proposal moves on (random and grid take their next point, cost-frugal
/// its next move, Bayesian skips what it has tried). Canceled trials do not count: the run stopped them, not their
/// configuration, so they may be tried again.
/// </para>
/// <para>
/// When the tuner has nothing new after the retries and the experiment knows the search space, an unevaluated point is
/// drawn from the space (at random, then by enumeration for a finite space), and the tuner later learns its result as
/// a trial whose configuration differs from its proposal. A finite space whose every configuration has been evaluated
/// ends the sweep (<see cref="SearchSpaceExhaustedException"/>). Without a search space there is no telling what
/// remains, so after the retries the tuner's proposal is accepted as it is.
/// </para>
/// </remarks>
internal static class DistinctProposals
{
    /// <summary>How many times a tuner is re-asked for one trial before the space is searched instead.</summary>
    public const int Retries = 32;

    private const int RandomDraws = 1000;
    private const long MaxEnumerated = 1_000_000;

    /// <summary>Asks <paramref name="tuner"/> for a configuration that no trial of <paramref name="history"/> has.</summary>
    /// <param name="tuner">The tuner.</param>
    /// <param name="settings">The trial about to start.</param>
    /// <param name="history">Every trial of the sweep, as the store has them.</param>
    /// <param name="space">The sweep's search space, or null when the experiment was not given it.</param>
    /// <param name="sweepName">The sweep, for the message of an exhausted space.</param>
    /// <returns>The configuration to run.</returns>
    /// <exception cref="SearchSpaceExhaustedException">Every configuration of a finite space has been evaluated.</exception>
    public static Parameter Propose(
        ITuner tuner, TrialSettings settings, IReadOnlyList<StoredTrial> history, SearchSpace.SearchSpace? space, string sweepName)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trial in history)
        {
            if (trial.State != TrialState.Canceled)
            {
                taken.Add(trial.Result.TrialSettings.Parameter.ToJson());
            }
        }

        var proposal = tuner.Propose(settings);

        // The space speaks for the tuner's configurations only when they are points of it (an ECI tuner's carry the
        // pipeline's name, which the experiment's space of trainers does not): else the tuner is only re-asked.
        if (space != null && !Describes(space, proposal))
        {
            space = null;
        }

        long? size = space == null ? null : Size(space);
        if (size is { } count && taken.Count >= count)
        {
            throw new SearchSpaceExhaustedException(
                $"All {count.ToString(CultureInfo.InvariantCulture)} configurations of the search space of sweep '{sweepName}' have been "
                + $"evaluated ({history.Count} trials): the sweep stops here. Set SetMaxTrials to at most {count} or widen the space.",
                count);
        }

        for (int attempt = 0; attempt < Retries && taken.Contains(proposal.ToJson()); attempt++)
        {
            proposal = tuner.Propose(settings);
        }

        if (space == null || !taken.Contains(proposal.ToJson()))
        {
            return proposal;
        }

        return Unevaluated(space, size, taken, settings.TrialId) ?? proposal;
    }

    /// <summary>The number of configurations of a space, or null when it has a continuous option (or too many).</summary>
    /// <param name="space">The space.</param>
    /// <returns>The product of the cardinalities of its options, or null.</returns>
    public static long? Size(SearchSpace.SearchSpace space)
    {
        long size = 1;
        foreach (var feature in space.Features)
        {
            if (feature.Kind == FeatureKind.Continuous || feature.Cardinality <= 0 || size > long.MaxValue / feature.Cardinality)
            {
                return null;
            }

            size *= feature.Cardinality;
        }

        return size;
    }

    private static bool Describes(SearchSpace.SearchSpace space, Parameter proposal)
    {
        try
        {
            return space.SampleFromFeatureSpace(space.MappingToFeatureSpace(proposal)).ToJson() == proposal.ToJson();
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidCastException)
        {
            return false;
        }
    }

    private static Parameter? Unevaluated(SearchSpace.SearchSpace space, long? size, HashSet<string> taken, int trialId)
    {
        // Seeded by the trial id: the same sweep resumed draws the same replacement.
        var random = new Random(trialId);
        var point = new double[space.FeatureSpaceDim];
        for (int draw = 0; draw < RandomDraws; draw++)
        {
            for (int i = 0; i < point.Length; i++)
            {
                point[i] = random.NextDouble();
            }

            var candidate = space.SampleFromFeatureSpace(point);
            if (!taken.Contains(candidate.ToJson()))
            {
                return candidate;
            }
        }

        if (size is not { } count || count > MaxEnumerated)
        {
            return null;
        }

        // A finite space nearly used up: walk its configurations from a random one.
        var features = space.Features;
        long start = random.NextInt64(count);
        for (long step = 0; step < count; step++)
        {
            long index = (start + step) % count;
            for (int i = features.Count - 1; i >= 0; i--)
            {
                point[i] = features[i].BinCentre((int)(index % features[i].Cardinality));
                index /= features[i].Cardinality;
            }

            var candidate = space.SampleFromFeatureSpace(point);
            if (!taken.Contains(candidate.ToJson()))
            {
                return candidate;
            }
        }

        return null;
    }
}
