// Licensed under the MIT license. See LICENSE in the repository root.

using static DeepOpt.Bench.Hpo.Quantiles;

namespace DeepOpt.Bench.Hpo;

/// <summary>
/// Prints the Markdown tables: best loss per objective next to the anchors, tuner overhead, and the target check.
/// </summary>
internal static class Report
{
    private static readonly int[] s_checkpoints = [10, 25, 50, 100];

    // The anchors the targets are measured against (ANCHORS.md): every ML.NET variant and Optuna TPE.
    private static readonly string[] s_targetAnchors =
        ["random", "smac", "cfo", "cfo-mid", "ecicfo", "optuna-tpe", "optuna-tpe-mv", "optuna-tpe-run"];

    public static void Print(
        IReadOnlyList<Objective> objectives,
        IReadOnlyList<string> tuners,
        IReadOnlyList<(string Tuner, string Objective, int Seed, int Trials, double Best)> results,
        IReadOnlyList<(string Tuner, string Objective, int Seed, int Trials, double Best)> anchors,
        Dictionary<(string, string), List<double>> overhead,
        IReadOnlyList<(string Tuner, string Objective, string Cells)> externalOverhead,
        string recommended)
    {
        var all = results.Concat(anchors).ToList();
        Console.WriteLine("### Best-found loss, median [Q1, Q3] over the seeds");
        if (anchors.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Rows `deepopt-*` and `optuna-tpe-run` were measured by this run; the other rows are the anchor");
            Console.WriteLine("figures of shared/hpo-benchmark (ML.NET AutoML tuners, and Optuna 3.1 measured on the anchor day).");
        }
        foreach (var objective in objectives)
        {
            Console.WriteLine();
            Console.WriteLine($"**{objective.Name}** (f* = {objective.Optimum})");
            Console.WriteLine();
            Console.WriteLine("| tuner | @10 | @25 | @50 | @100 |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var tuner in all.Where(r => r.Objective == objective.Name).Select(r => r.Tuner).Distinct())
            {
                var cells = s_checkpoints.Select(k => all
                    .Where(r => r.Tuner == tuner && r.Objective == objective.Name && r.Trials == k)
                    .Select(r => r.Best).ToList());
                Console.WriteLine($"| {tuner} | {string.Join(" | ", cells.Select(c => c.Count == 0 ? "-" : MedianIqr(c)))} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("### Tuner overhead: Propose + Update per trial, µs (mean / median / p95 / max over 100 trials x seeds)");
        Console.WriteLine();
        Console.WriteLine($"| tuner | {string.Join(" | ", objectives.Select(o => o.Name))} |");
        Console.WriteLine($"|---|{string.Concat(objectives.Select(_ => "---|"))}");
        foreach (var tuner in tuners)
        {
            var cells = objectives.Select(o => overhead.TryGetValue((tuner, o.Name), out var t) && t.Count > 0
                ? $"{t.Average():F0} / {Quantile(t, 0.5):F0} / {Quantile(t, 0.95):F0} / {t.Max():F0}"
                : "-");
            Console.WriteLine($"| {tuner} | {string.Join(" | ", cells)} |");
        }

        foreach (var tuner in externalOverhead.Select(e => e.Tuner).Distinct())
        {
            var cells = objectives.Select(o => externalOverhead.FirstOrDefault(e => e.Tuner == tuner && e.Objective == o.Name).Cells ?? "-");
            Console.WriteLine($"| {tuner} (Python) | {string.Join(" | ", cells)} |");
        }

        if (anchors.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"### Target check: median best loss of `{recommended}` against the best anchor median");
        Console.WriteLine();
        Console.WriteLine("| objective | budget | ours | best anchor | anchor | lower? |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var objective in objectives)
        {
            foreach (int k in new[] { 50, 100 })
            {
                var ours = results.Where(r => r.Tuner == recommended && r.Objective == objective.Name && r.Trials == k)
                    .Select(r => r.Best).ToList();
                var best = anchors.Where(r => r.Objective == objective.Name && r.Trials == k && s_targetAnchors.Contains(r.Tuner))
                    .GroupBy(r => r.Tuner)
                    .Select(g => (Tuner: g.Key, Median: Quantile(g.Select(r => r.Best), 0.5)))
                    .OrderBy(g => g.Median)
                    .FirstOrDefault();
                if (ours.Count == 0 || best.Tuner == null)
                {
                    continue;
                }

                double median = Quantile(ours, 0.5);
                Console.WriteLine($"| {objective.Name} | {k} | {median:G6} | {best.Median:G6} | {best.Tuner} | {(median < best.Median ? "yes" : "NO")} |");
            }
        }
    }

    public static void PrintOptimizers(Dictionary<string, List<string>> bestOptimizers)
    {
        if (bestOptimizers.Count == 0)
        {
            return;
        }

        string[] names = ["momentum", "adam", "rmsprop", "sgd"];
        Console.WriteLine();
        Console.WriteLine("### Optimizer of the best trial on dlmixed (100 trials, per seed)");
        Console.WriteLine();
        Console.WriteLine("| tuner | momentum (best) | adam | rmsprop | sgd |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (tuner, list) in bestOptimizers)
        {
            Console.WriteLine($"| {tuner} | {string.Join(" | ", names.Select(n => list.Count(v => v == n)))} |");
        }
    }

    public static void PrintRefits(string tuner, Dictionary<string, (List<double> Refit, List<double> Other)> refitTimes)
    {
        if (refitTimes.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"### `{tuner}`: trials that refit the surrogate's hyperparameters, and the others (µs, mean / max)");
        Console.WriteLine();
        Console.WriteLine("| objective | refit trials per run | refit trial | other trials |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (objective, (refit, other)) in refitTimes)
        {
            int runs = Math.Max(1, (refit.Count + other.Count) / 100);
            string Cell(List<double> t) => t.Count == 0 ? "-" : $"{t.Average():F0} / {t.Max():F0}";
            Console.WriteLine($"| {objective} | {(double)refit.Count / runs:F0} | {Cell(refit)} | {Cell(other)} |");
        }
    }
}
