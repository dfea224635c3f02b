#!/usr/bin/env bash
# The multi-objective benchmark of issue 21: DeepOpt's tuners (the multi-objective Bayesian tuner, NSGA-II, random
# search) and Optuna 3.1's NSGAIISampler and multi-objective TPESampler (Debian's python3-optuna) on ZDT1, ZDT2, ZDT3,
# DTLZ2 and a mixed deep-learning-like problem, seeds 0..19, 100 trials each; summarize.py prints the hypervolume after
# 50 and 100 trials, median [Q1, Q3], against fixed reference points, and whether the default tuner beats both samplers.
# Usage: bash bench/mo/run.sh [--seeds N] [--trials N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seeds=20 trials=100
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) seeds=$2; shift ;;
        --trials) trials=$2; shift ;;
        *) echo "Unknown option $1. Usage: bash bench/mo/run.sh [--seeds N] [--trials N]" >&2; exit 2 ;;
    esac
    shift
done

# Debian's Python, not a pyenv shim: that is where apt installs optuna.
py=/usr/bin/python3
if ! "$py" -c 'import optuna, numpy' 2>/dev/null; then
    apt-get update -qq
    apt-get install -y -qq python3-optuna python3-numpy >/dev/null
fi

out=$(mktemp -d /tmp/mo-bench.XXXXXX)
echo "Results in $out" >&2
dotnet build -c Release "$here/MoBench/MoBench.csproj" -v quiet -nologo >&2
dotnet "$here/MoBench/bin/Release/net10.0/MoBench.dll" "$out/deepopt.csv" --seeds "$seeds" --trials "$trials"
"$py" "$here/optuna_mo.py" "$out/optuna.csv" "$seeds" "$trials"

echo
echo "Multi-objective tuners, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET SDK $(dotnet --version), Optuna $("$py" -c 'import optuna; print(optuna.__version__)')"
"$py" "$here/summarize.py" "$out/deepopt.csv" "$out/optuna.csv"
