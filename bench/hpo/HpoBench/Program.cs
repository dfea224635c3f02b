// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Globalization;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;
using DeepOpt.AutoML.Tuners;
using DeepOpt.Bench.Hpo;

// The protocol of shared/hpo-benchmark/OBJECTIVES.md: sequential Propose/Update, seeds 0..19, 100 trials,
// best-so-far at 10/25/50/100, median [Q1, Q3], and the wall time of Propose + Update per trial.
var options = Args.Parse(args);
int[] checkpoints = [10, 25, 50, 100];
var tuners = new Dictionary<string, Func<SearchSpace, int, ITuner>>
{
    ["deepopt-random"] = (s, seed) => new RandomSearchTuner(s, seed),
    ["deepopt-grid"] = (s, seed) => new GridSearchTuner(s, steps: 10, seed: seed),
    ["deepopt-cfo"] = (s, seed) => new CostFrugalTuner(s, seed),
    ["deepopt-cfo-mid"] = (s, seed) => new CostFrugalTuner(s, s.SampleFromFeatureSpace(Enumerable.Repeat(0.5, s.FeatureSpaceDim).ToArray()), seed),
    ["deepopt-ecicfo"] = (s, seed) => new SinglePipeline(s, seed),
    ["deepopt-bayes"] = (s, seed) => new BayesianTuner(s, seed),
};
var selected = tuners.Where(t => options.Tuners == null || options.Tuners.Contains(t.Key)).ToList();
var objectives = (options.Extra ? ExtraObjectives.All : Objective.All).Where(o => options.Objectives == null || options.Objectives.Contains(o.Name)).ToList();

var results = new List<(string Tuner, string Objective, int Seed, int Trials, double Best)>();
var overhead = new Dictionary<(string, string), List<double>>();
var refitTimes = new Dictionary<string, (List<double> Refit, List<double> Other)>();
var bestOptimizers = new Dictionary<string, List<string>>();
foreach (var objective in objectives)
{
    foreach (var (name, factory) in selected)
    {
        Run(objective, factory, 12345, null, null); // JIT warm-up, not recorded
        var times = overhead[(name, objective.Name)] = [];
        for (int seed = 0; seed < options.Seeds; seed++)
        {
            var (best, bestParameter) = Run(objective, factory, seed, times, name == options.Recommended ? refitTimes : null);
            if (objective.Name == "dlmixed")
            {
                (bestOptimizers.TryGetValue(name, out var list) ? list : bestOptimizers[name] = []).Add(bestParameter["optimizer"].AsType<string>());
            }

            foreach (int k in checkpoints)
            {
                results.Add((name, objective.Name, seed, k, best[k - 1]));
            }
        }

        Console.Error.WriteLine($"{objective.Name} {name} done");
    }
}

if (options.Output != null)
{
    using var writer = new StreamWriter(options.Output);
    writer.WriteLine("tuner,objective,seed,trials,best_loss");
    foreach (var r in results)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Tuner},{r.Objective},{r.Seed},{r.Trials},{r.Best:R}"));
    }
}

var anchors = new List<(string Tuner, string Objective, int Seed, int Trials, double Best)>();
foreach (var file in options.AnchorFiles)
{
    anchors.AddRange(Csv.Read(file).Select(r => (r.Tuner, r.Objective, r.Seed, r.Trials, r.Best)));
}

if (options.Output != null)
{
    // The statistics the tables print, for check_quantiles.py to recompute with numpy.
    using var summary = new StreamWriter(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Output))!, "summary.csv"));
    summary.WriteLine("tuner,objective,trials,q1,median,q3");
    foreach (var g in results.Concat(anchors).GroupBy(r => (r.Tuner, r.Objective, r.Trials)))
    {
        var v = g.Select(r => r.Best).ToList();
        summary.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{g.Key.Tuner},{g.Key.Objective},{g.Key.Trials},{Quantiles.Quantile(v, 0.25):R},{Quantiles.Quantile(v, 0.5):R},{Quantiles.Quantile(v, 0.75):R}"));
    }
}

var external = options.ExternalOverhead == null ? [] : File.ReadLines(options.ExternalOverhead).Skip(1)
    .Select(line => line.Split(','))
    .Select(f => (Tuner: f[0], Objective: f[1], Cells: $"{f[2]} / {f[3]} / {f[4]} / {f[5]}"))
    .ToList();
Report.Print(objectives, selected.Select(t => t.Key).ToList(), results, anchors, overhead, external, options.Recommended);
Report.PrintOptimizers(bestOptimizers);
Report.PrintRefits(options.Recommended, refitTimes);

static (double[] Best, Parameter BestParameter) Run(
    Objective objective,
    Func<SearchSpace, int, ITuner> factory,
    int seed,
    List<double>? times,
    Dictionary<string, (List<double> Refit, List<double> Other)>? refitTimes)
{
    var space = objective.CreateSpace();
    var tuner = factory(space, seed);
    var best = new double[100];
    double bestSoFar = double.PositiveInfinity;
    Parameter bestParameter = Parameter.CreateNestedParameter();
    var stopwatch = new Stopwatch();
    for (int t = 0; t < 100; t++)
    {
        var settings = new TrialSettings { TrialId = t, Parameter = Parameter.CreateNestedParameter() };
        int refitsBefore = (tuner as BayesianTuner)?.RefitCount ?? 0;
        stopwatch.Restart();
        var proposal = tuner.Propose(settings);
        stopwatch.Stop();
        double elapsed = stopwatch.Elapsed.TotalMicroseconds;
        settings.Parameter = proposal;
        double f = objective.Evaluate(proposal);
        var result = new TrialResult { TrialSettings = settings, Loss = f, Metric = f, DurationInMilliseconds = 1 };
        stopwatch.Restart();
        tuner.Update(result);
        stopwatch.Stop();
        times?.Add(elapsed + stopwatch.Elapsed.TotalMicroseconds);
        if (refitTimes != null && tuner is BayesianTuner bayes)
        {
            // A trial whose Propose refitted the hyperparameters is timed apart (OBJECTIVES.md: the cost of a refit trial).
            var split = refitTimes.TryGetValue(objective.Name, out var s) ? s : refitTimes[objective.Name] = ([], []);
            (bayes.RefitCount != refitsBefore ? split.Refit : split.Other).Add(elapsed + stopwatch.Elapsed.TotalMicroseconds);
        }

        if (f < bestSoFar)
        {
            bestSoFar = f;
            bestParameter = proposal;
        }

        best[t] = bestSoFar;
    }

    return (best, bestParameter);
}
