// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Bench.Hpo;

/// <summary>
/// Command-line options: --anchors FILE (repeatable), --overhead FILE (another tool's overhead CSV), --out FILE, --tuners a,b, --objectives a,b, --seeds N,
/// --recommended NAME.
/// </summary>
internal sealed class Args
{
    public List<string> AnchorFiles { get; } = [];

    public string? Output { get; private set; }

    public string? ExternalOverhead { get; private set; }

    public HashSet<string>? Tuners { get; private set; }

    public HashSet<string>? Objectives { get; private set; }

    public int Seeds { get; private set; } = 20;

    public bool Extra { get; private set; }

    public string Recommended { get; private set; } = "deepopt-bayes";

    public static Args Parse(string[] args)
    {
        var parsed = new Args();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--anchors":
                    parsed.AnchorFiles.Add(value);
                    break;
                case "--overhead":
                    parsed.ExternalOverhead = value;
                    break;
                case "--out":
                    parsed.Output = value;
                    break;
                case "--tuners":
                    parsed.Tuners = [.. value.Split(',')];
                    break;
                case "--objectives":
                    parsed.Objectives = [.. value.Split(',')];
                    break;
                case "--seeds":
                    parsed.Seeds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--suite":
                    parsed.Extra = value == "extra";
                    break;
                case "--recommended":
                    parsed.Recommended = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return parsed;
    }
}

/// <summary>
/// Reads the per-seed CSV files (tuner,objective,seed,trials,best_loss).
/// </summary>
internal static class Csv
{
    public static IEnumerable<(string Tuner, string Objective, int Seed, int Trials, double Best)> Read(string path)
    {
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length == 5)
            {
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                yield return (f[0], f[1], int.Parse(f[2], inv), int.Parse(f[3], inv), double.Parse(f[4], inv));
            }
        }
    }
}
