// Licensed under the MIT license. See LICENSE in the repository root.

// Runs one worker of a sweep over a quick synthetic objective and prints a line per trial event, so that a test can
// kill it mid-trial: "started <id>", "finished <id> <state>", then "done <best loss>". A store error prints
// "store error: <message>" on stderr and exits with 2.
//
// dotnet DeepOpt.SweepWorker.dll --storage <path or connection string> --sweep <name> --worker <id>
//     [--max-trials 20] [--trial-ms 50] [--heartbeat-timeout-ms 60000] [--tuner random|grid|bayesian|cost-frugal]
//     [--seed 1] [--parallel 1]

using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Storage;
using DeepOpt.AutoML.Tuners;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Get(string key, string fallback) => options.TryGetValue(key, out var value) ? value : fallback;
int GetInt(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var space = new SearchSpace
{
    ["x"] = new UniformDoubleOption(0, 1),
    ["y"] = new UniformDoubleOption(0, 1),
    ["units"] = new UniformIntOption(1, 64),
};
int seed = GetInt("seed", 1);
ITuner tuner = Get("tuner", "random") switch
{
    "grid" => new GridSearchTuner(space, 10, seed),
    "bayesian" => new BayesianTuner(space, seed),
    "cost-frugal" => new CostFrugalTuner(space, seed),
    _ => new RandomSearchTuner(space, seed),
};
using var experiment = new TuningExperiment()
    .SetStorage(Get("storage", "sweep.db"))
    .SetSweepName(Get("sweep", "default"))
    .SetWorkerId(Get("worker", $"worker-{Environment.ProcessId}"))
    .SetSearchSpace(space)
    .SetTuner(tuner)
    .SetMaxTrials(GetInt("max-trials", 20))
    .SetParallelTrials(GetInt("parallel", 1))
    .SetHeartbeatTimeout(TimeSpan.FromMilliseconds(GetInt("heartbeat-timeout-ms", 60_000)))
    .SetTrialRunner(new QuickRunner(GetInt("trial-ms", 50)))
    .SetMonitor(new LineMonitor());

try
{
    var best = await experiment.RunAsync();
    Console.WriteLine($"done {best.Loss.ToString("R", CultureInfo.InvariantCulture)}");
    return 0;
}
catch (TrialStoreException ex)
{
    Console.Error.WriteLine($"store error: {ex.Message}");
    return 2;
}

/// <summary>A quick objective with its minimum at x = 0.3, y = 0.6, reporting five intermediate values.</summary>
internal sealed class QuickRunner(int trialMilliseconds) : ITrialRunner
{
    private const int Steps = 5;

    public async Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        Console.WriteLine($"started {settings.TrialId}");
        double x = settings.Parameter["x"].AsType<double>();
        double y = settings.Parameter["y"].AsType<double>();
        double loss = ((x - 0.3) * (x - 0.3)) + ((y - 0.6) * (y - 0.6));
        for (int step = 1; step <= Steps; step++)
        {
            await Task.Delay(trialMilliseconds / Steps, cancellationToken);
            settings.ReportIntermediate(step, loss + ((Steps - step) * 0.01), -loss);
        }

        return new TrialResult { Loss = loss, Metric = -loss, DurationInMilliseconds = trialMilliseconds };
    }

    public void Dispose()
    {
    }
}

/// <summary>Prints a line when a trial ends.</summary>
internal sealed class LineMonitor : IMonitor
{
    public void ReportRunningTrial(TrialSettings settings)
    {
    }

    public void ReportCompletedTrial(TrialResult result) => Console.WriteLine($"finished {result.TrialSettings.TrialId} completed");

    public void ReportBestTrial(TrialResult result)
    {
    }

    public void ReportPrunedTrial(TrialResult result) => Console.WriteLine($"finished {result.TrialSettings.TrialId} pruned");

    public void ReportFailTrial(TrialResult result, Exception? exception = null) =>
        Console.WriteLine($"finished {result.TrialSettings.TrialId} failed {exception?.Message}");
}
