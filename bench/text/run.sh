#!/usr/bin/env bash
# The text benchmark of issue 5, in one run on one machine and one split of Debian's package descriptions: the DeepOpt
# LSTM, ML.NET's FeaturizeText + SdcaMaximumEntropy (with the other ML.NET variants of issue 20's sweep.sh), and the
# same LSTM in Debian's PyTorch (on OpenBLAS).
# The two LSTMs alternate round by round (round r uses seed + r - 1; DeepOpt first in odd rounds); ML.NET runs once.
# Usage: bash bench/text/run.sh [--full] [--epochs N] [--rounds N] [--threads N] [--seed N] [--data DIR]
#   quick (default): 3 epochs, 1 round     --full: 10 epochs, 3 rounds (seeds 1, 2, 3), where the targets are judged
#   --data: a folder with train.tsv and test.tsv (default bench/text/data, prepared by prepare_corpus.py if missing)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
epochs=3 rounds=1 threads=2 seed=1 data="$here/data"
usage="Usage: bash bench/text/run.sh [--full] [--epochs N] [--rounds N] [--threads N] [--seed N] [--data DIR]"
while [ $# -gt 0 ]; do
    case "$1" in
        --full) epochs=10 rounds=3 ;;
        --epochs) epochs=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --threads) threads=$2; shift ;;
        --seed) seed=$2; shift ;;
        --data) data=$(cd "$2" && pwd); shift ;;
        *) echo "Unknown option $1. $usage" >&2; exit 2 ;;
    esac
    shift
done

# Debian's Python and torch 1.13 on OpenBLAS (the -openmp build: the -pthread one's threads fight torch's OpenMP threads).
py=/usr/bin/python3
missing=""
for p in python3-torch libopenblas0-openmp; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    echo "Installing$missing..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

. "$here/prepare.sh"
results=$(mktemp /tmp/text-bench.XXXXXX.jsonl)
echo "Results are appended to $results" >&2
# Each side's line "LOAD {json}" gives the share of its wall time in which some task of this machine waited for a
# core (/proc/pressure/cpu "some"), so a reader can see how loaded the machine was while that side ran.
pressure() { awk '/^some/ { sub("total=", "", $5); print $5 }' /proc/pressure/cpu 2>/dev/null || echo 0; }
measured() {
    local name=$1 round=$2 p0 t0 p1 t1
    shift 2
    p0=$(pressure) t0=$(date +%s%N)
    "$@" | tee -a "$results"
    p1=$(pressure) t1=$(date +%s%N)
    echo "LOAD {\"name\": \"$name\", \"round\": $round, \"cpu_some\": $(awk -v p="$((p1 - p0))" -v t="$(((t1 - t0) / 1000))" 'BEGIN { printf "%.3f", (t > 0 ? p / t : 0) }')}" | tee -a "$results"
}
deepopt() { measured deepopt-lstm "$1" dotnet "$dll" --data "$data" --only deepopt --epochs "$epochs" --threads "$threads" --seed "$2"; }
# These machines pin OpenBLAS to an older kernel through OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE: not for PyTorch.
pytorch() { measured pytorch-lstm "$1" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/torch_lstm.py" --data "$data" --epochs "$epochs" --threads "$threads" --seed "$2"; }
for round in $(seq 1 "$rounds"); do
    s=$((seed + round - 1))
    echo "Round $round of $rounds (seed $s)..." >&2
    if [ $((round % 2)) -eq 1 ]; then deepopt "$round" "$s"; pytorch "$round" "$s"; else pytorch "$round" "$s"; deepopt "$round" "$s"; fi
done
measured mlnet-sdca-w1-c3 0 dotnet "$dll" --data "$data" --only mlnet --threads "$threads" --seed "$seed"

echo
echo "Text classification on Debian package descriptions, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET SDK $(dotnet --version), $epochs epochs, $rounds rounds, $threads threads"
echo "CPU pressure at the end (other tenants of this machine): $(head -1 /proc/pressure/cpu 2>/dev/null || echo unknown)"
"$py" "$here/summarize.py" "$results"
echo "(raw results: $results)"
