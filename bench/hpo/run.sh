#!/usr/bin/env bash
# Runs the HPO benchmark of shared/hpo-benchmark/OBJECTIVES.md: every DeepOpt tuner (C#, Release) and, in the same run,
# Optuna's TPE (Debian's python3-optuna), then prints the tables next to the ML.NET and Optuna anchor figures.
# Usage: bash bench/hpo/run.sh            (HPO_ANCHORS=<dir with the anchor CSVs> to point elsewhere)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
anchors=${HPO_ANCHORS:-$root/../shared/hpo-benchmark}
out="$here/results"
mkdir -p "$out"

# Debian's Python, not a pyenv shim: that is where apt installs optuna.
py=/usr/bin/python3
if ! "$py" -c 'import optuna, numpy' 2>/dev/null; then
    apt-get update -qq
    apt-get install -y -qq python3-optuna python3-numpy >/dev/null
fi

echo "Optuna TPE (seeds 0..19, 100 trials, 4 objectives)..." >&2
"$py" "$here/optuna_tpe.py" "$out/optuna-best.csv" "$out/optuna-overhead.csv"

echo "DeepOpt tuners..." >&2
dotnet build -c Release "$here/HpoBench/HpoBench.csproj" -v quiet -nologo >&2
dotnet "$here/HpoBench/bin/Release/net10.0/HpoBench.dll" \
    --anchors "$anchors/anchor-mlnet-best.csv" \
    --anchors "$anchors/anchor-optuna-best.csv" \
    --anchors "$out/optuna-best.csv" \
    --overhead "$out/optuna-overhead.csv" \
    --out "$out/deepopt-best.csv" | tee "$out/report.md"

# The medians and quartiles above come from C#; numpy's default quantiles must agree with them.
"$py" "$here/check_quantiles.py" "$out/deepopt-best.csv" "$out/optuna-best.csv" "$out/summary.csv"

# Objectives outside the anchor set, DeepOpt tuners only: a check that the tuners generalise.
echo "DeepOpt tuners on the extra objectives..." >&2
dotnet "$here/HpoBench/bin/Release/net10.0/HpoBench.dll" --suite extra \
    --tuners deepopt-random,deepopt-cfo,deepopt-cfo-mid,deepopt-ecicfo,deepopt-bayes | tee "$out/report-extra.md"
