// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Storage;

namespace DeepOpt.AutoML.Experiment;

/// <summary>
/// The trials a sweep is warm-started from, read when the warm start is set: given ones, or an earlier sweep's from its
/// store. They are kept as they were; <see cref="WarmStartMapping"/> maps them onto the new sweep's space when it opens.
/// </summary>
internal sealed class WarmStartSource
{
    private WarmStartSource(string description, IReadOnlyList<TrialResult> trials)
    {
        Description = description;
        Trials = trials;
    }

    /// <summary>Gets where the trials come from, for messages: for example <c>sweep 'default' in the SQLite file 'a.db'</c>.</summary>
    public string Description { get; }

    /// <summary>Gets the trials, every state included, as the source has them (snapshots).</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Trials given by the caller, copied so that later changes to them change nothing here.</summary>
    public static WarmStartSource FromTrials(IEnumerable<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var copies = new List<TrialResult>();
        foreach (var trial in trials)
        {
            if (trial == null)
            {
                throw new ArgumentException(
                    $"The warm-start trials hold a null at position {copies.Count}: pass finished TrialResult records only.", nameof(trials));
            }

            copies.Add(trial.ForStore());
        }

        return new WarmStartSource(string.Create(CultureInfo.InvariantCulture, $"{copies.Count} given trials"), copies);
    }

    /// <summary>An earlier sweep's trials from the store a path or connection string names; the store is opened,
    /// read and closed here.</summary>
    /// <exception cref="FileNotFoundException">A SQLite file that does not exist.</exception>
    /// <exception cref="ArgumentException">The store has no sweep of that name (the message lists those it has).</exception>
    public static WarmStartSource FromStore(string pathOrConnectionString, string sweepName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(sweepName);

        // Opening a SQLite store creates a missing file: an empty sweep store would hide a wrong path.
        if (TrialStores.SqliteFile(pathOrConnectionString) is { } file && !File.Exists(file))
        {
            throw new FileNotFoundException(
                $"The warm-start store '{file}' does not exist (looked in '{Path.GetFullPath(file)}'). Pass the SQLite file an "
                + "earlier sweep wrote with SetStorage, as a path or `Data Source=<path>`, to SetWarmStart.", file);
        }

        using var store = TrialStores.Open(pathOrConnectionString);
        return FromStore(store, sweepName);
    }

    /// <summary>An earlier sweep's trials from a store the caller keeps open.</summary>
    /// <exception cref="ArgumentException">The store has no sweep of that name (the message lists those it has).</exception>
    public static WarmStartSource FromStore(ITrialStore store, string sweepName)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(sweepName);
        var trials = store.GetTrials(sweepName);
        if (trials.Count == 0)
        {
            var names = store.GetSweepNames();
            if (!names.Contains(sweepName, StringComparer.Ordinal))
            {
                string has = names.Count == 0 ? "it holds no sweep" : $"it holds {string.Join(", ", names.Select(n => $"'{n}'"))}";
                throw new ArgumentException(
                    $"The {store.Location} has no sweep named '{sweepName}': {has}. Pass the earlier sweep's name (its SetSweepName, "
                    + "\"default\" unless set) as `sweepName` to SetWarmStart.", nameof(sweepName));
            }
        }

        return new WarmStartSource($"sweep '{sweepName}' in the {store.Location}", trials.Select(t => t.Result).ToList());
    }
}
