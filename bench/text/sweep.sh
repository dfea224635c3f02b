#!/usr/bin/env bash
# The text benchmark of issue 20, in one run on one split of Debian's package descriptions: ML.NET's FeaturizeText with
# word and character n-grams and SdcaMaximumEntropy or LbfgsMaximumEntropy (every variant; the best on test is the
# anchor), then the best model of a DeepOpt sweep of the default LSTM search space (Bayesian tuner, successive halving),
# retrained on the whole training split and tested, then that trial with seeds 1-5 averaged and the ensemble of its 5
# best trials (each member retrained). All report accuracy, macro-F1 and single-row latency.
# Usage: bash bench/text/sweep.sh [--minutes M] [--parallel N] [--threads N] [--seed N] [--data DIR]
#   default: a 30-minute sweep, 2 trials at a time of 1 thread each (this machine has 2 cores)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
minutes=30 parallel=2 threads=1 seed=1 data="$here/data"
usage="Usage: bash bench/text/sweep.sh [--minutes M] [--parallel N] [--threads N] [--seed N] [--data DIR]"
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes=$2; shift ;;
        --parallel) parallel=$2; shift ;;
        --threads) threads=$2; shift ;;
        --seed) seed=$2; shift ;;
        --data) data=$(cd "$2" && pwd); shift ;;
        *) echo "Unknown option $1. $usage" >&2; exit 2 ;;
    esac
    shift
done

. "$here/prepare.sh"
results=$(mktemp /tmp/text-sweep.XXXXXX.jsonl)
echo "Results are appended to $results" >&2
dotnet "$dll" --data "$data" --only mlnet --threads "$threads" --seed "$seed" | tee -a "$results"
dotnet "$dll" --data "$data" --only sweep --minutes "$minutes" --parallel "$parallel" --threads "$threads" --seed "$seed" | tee -a "$results"

echo
echo "Text classification, DeepOpt sweep against ML.NET, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET SDK $(dotnet --version)"
echo "CPU pressure at the end (other tenants of this machine): $(head -1 /proc/pressure/cpu 2>/dev/null || echo unknown)"
python3 "$here/summarize.py" "$results"
echo "(raw results: $results)"
