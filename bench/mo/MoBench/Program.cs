// Licensed under the MIT license. See LICENSE in the repository root.
// The .NET side of bench/mo: every DeepOpt multi-objective tuner on every problem of Problems.cs, for each seed, driven
// by ask and tell (Propose / Update) without an experiment around it. Writes one CSV row per trial: problem, tuner,
// seed, trial, then the objective values (f1, f2, f3; empty when the problem has two). summarize.py computes the
// hypervolumes, for these rows and Optuna's alike.
// Usage: dotnet MoBench.dll OUT.csv [--seeds N] [--trials N] [--tuners a,b] [--problems a,b]

using System.Diagnostics;
using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.MultiObjective;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;
using DeepOpt.Bench.MultiObjective;

var options = new Dictionary<string, string> { ["--seeds"] = "20", ["--trials"] = "100", ["--tuners"] = "deepopt-mobo,deepopt-nsga,deepopt-random", ["--problems"] = "" };
string output = args.Length > 0 ? args[0] : throw new ArgumentException("Usage: MoBench OUT.csv [--seeds N] [--trials N] [--tuners a,b] [--problems a,b]");
for (int i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i]] = options.ContainsKey(args[i]) ? args[i + 1] : throw new ArgumentException($"Unknown option {args[i]}.");
}

int seeds = int.Parse(options["--seeds"], CultureInfo.InvariantCulture);
int trials = int.Parse(options["--trials"], CultureInfo.InvariantCulture);
var problems = Problem.All.Where(p => options["--problems"].Length == 0 || options["--problems"].Split(',').Contains(p.Name)).ToList();
using var writer = new StreamWriter(output);
writer.WriteLine("problem,tuner,seed,trial,f1,f2,f3,seconds");
foreach (var problem in problems)
{
    foreach (string tunerName in options["--tuners"].Split(','))
    {
        var watch = Stopwatch.StartNew();
        for (int seed = 0; seed < seeds; seed++)
        {
            var space = problem.CreateSpace();
            var objectives = new ObjectiveSet(Enumerable.Range(1, problem.Objectives).Select(k => Objective.Minimize($"f{k}")));
            ITuner tuner = tunerName switch
            {
                "deepopt-mobo" => new MultiObjectiveBayesianTuner(space, objectives, seed),
                "deepopt-nsga" => new NsgaTuner(space, objectives, seed),
                "deepopt-random" => new RandomSearchTuner(space, seed),
                _ => throw new ArgumentException($"Unknown tuner {tunerName}."),
            };
            for (int t = 0; t < trials; t++)
            {
                long started = Stopwatch.GetTimestamp();
                var settings = new TrialSettings { TrialId = t };
                settings.Parameter = tuner.Propose(settings);
                var values = problem.Evaluate(settings.Parameter);
                var metrics = values.Select((v, k) => (Name: $"f{k + 1}", v)).ToDictionary(m => m.Name, m => m.v);
                tuner.Update(new TrialResult { TrialSettings = settings, Loss = values[0], Metric = values[0], Metrics = metrics });
                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                string f3 = values.Length > 2 ? Format(values[2]) : "";
                writer.WriteLine($"{problem.Name},{tunerName},{seed},{t},{Format(values[0])},{Format(values[1])},{f3},{Format(seconds)}");
            }
        }

        writer.Flush();
        Console.Error.WriteLine($"{problem.Name} {tunerName}: {seeds} seeds in {watch.Elapsed.TotalSeconds:F0} s");
    }
}

return 0;

static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
