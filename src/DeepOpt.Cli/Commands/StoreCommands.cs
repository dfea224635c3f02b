// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.Storage;
using DeepOpt.Reports;
using DeepOpt.Reports.Sweep;

namespace DeepOpt.Cli.Commands;

/// <summary>`deepopt trials` and `deepopt report`: read a sweep's trials back from its store.</summary>
internal static class StoreCommands
{
    /// <summary>Prints one line per trial: id, state, loss, metric, duration, worker, parameters.</summary>
    public static int Trials(string storage, string sweepName, TextWriter output)
    {
        var trials = Read(storage, sweepName);
        output.WriteLine($"{"trial",5}  {"state",-9}  {"metric",8}  {"loss",9}  {"seconds",8}  {"worker",-16}  parameters");
        foreach (var t in trials)
        {
            var r = t.Result;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.TrialId,5}  {t.State,-9}  {r.Metric,8:F4}  {r.Loss,9:F4}  {r.DurationInMilliseconds / 1000,8:F1}  {Short(t.WorkerId),-16}  {TrialLines.Describe(r.TrialSettings.Parameter)}"));
        }

        var done = trials.Where(t => t.State == TrialState.Completed).ToList();
        output.WriteLine($"{trials.Count} trials: {done.Count} completed, {trials.Count(t => t.State == TrialState.Pruned)} pruned, "
            + $"{trials.Count(t => t.State == TrialState.Failed)} failed, {trials.Count(t => t.State == TrialState.Canceled)} canceled, "
            + $"{trials.Count(t => t.State == TrialState.Running)} running."
            + (done.Count > 0 ? $" Best: trial {done.MinBy(t => t.Result.Loss)!.TrialId}." : string.Empty));
        return 0;
    }

    /// <summary>Writes the sweep's self-contained HTML report.</summary>
    public static int Report(string storage, string sweepName, string outputPath, TextWriter output)
    {
        var trials = Read(storage, sweepName);
        SweepReport.Save(trials.Select(t => t.Result).ToList(), outputPath, new SweepReportOptions
        {
            Title = $"DeepOpt sweep '{sweepName}'",
            Objectives = StoredObjectives(storage, sweepName),
        });
        output.WriteLine($"Wrote the report of {trials.Count} trials to {Path.GetFullPath(outputPath)}.");
        return 0;
    }

    private static IReadOnlyList<StoredTrial> Read(string storage, string sweepName)
    {
        using var store = TrialStores.Open(SweepCommand.Storage(storage, Environment.CurrentDirectory));
        var trials = store.GetTrials(sweepName);
        return trials.Count > 0
            ? trials
            : throw new InvalidOperationException($"The store {store.Location} holds no trials of the sweep '{sweepName}': check --storage and --sweep.");
    }

    /// <summary>The objectives a multi-objective sweep's definition records, or null.</summary>
    private static AutoML.MultiObjective.ObjectiveSet? StoredObjectives(string storage, string sweepName)
    {
        using var store = TrialStores.Open(SweepCommand.Storage(storage, Environment.CurrentDirectory));
        string definition = store.OpenSweep(sweepName, "{}"); // the sweep exists: its trials were read
        var text = System.Text.Json.Nodes.JsonNode.Parse(definition)?["settings"]?["objectives"]?.GetValue<string>();
        return text == null ? null : AutoML.MultiObjective.ObjectiveSet.Parse(text);
    }

    private static string Short(string worker) => worker.Length <= 16 ? worker : worker[..16];
}
