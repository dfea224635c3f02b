#!/usr/bin/env bash
# The CNN benchmark of issue 4: DeepOpt's seed CNN against Debian's PyTorch on Fashion-MNIST, in one run on one machine,
# the two sides alternating round by round. Quick mode by default; --full for the full protocol.
# Usage: bash bench/cnn/run.sh [--full] [--epochs N] [--rounds N] [--threads N] [--plain-malloc]
#   quick (default): 2 epochs, 2 rounds (seeds 1, 2)       --full: 10 epochs, 3 rounds (seeds 1, 2, 3)
#   Both sides run with glibc's malloc keeping freed memory (GLIBC_TUNABLES), which DeepOpt sets for itself at load:
#   without it, PyTorch page-faults on every batch's large tensors and the anchor is 2-3 times slower than it can be
#   (see bench/README.md). --plain-malloc runs both with glibc's defaults instead (DeepOpt still tunes itself).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
epochs=2 rounds=2 threads=2 tunables="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.mmap_max=0"
while [ $# -gt 0 ]; do
    case "$1" in
        --full) epochs=10 rounds=3 ;;
        --epochs) epochs=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --threads) threads=$2; shift ;;
        --plain-malloc) tunables="" ;;
        *) echo "Unknown option $1. Usage: bash bench/cnn/run.sh [--full] [--epochs N] [--rounds N] [--threads N] [--plain-malloc]" >&2; exit 2 ;;
    esac
    shift
done

# Debian's Python, torch 1.13 and the data. libopenblas0-openmp, not -pthread: OpenBLAS's own threads would fight
# torch's OpenMP threads. Without an optimised BLAS Debian's torch falls back to the reference BLAS (25x slower linear).
py=/usr/bin/python3
packages="dataset-fashion-mnist python3-torch python3-numpy libopenblas0-openmp"
missing=""
for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    echo "Installing$missing..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    echo "Warning: libopenblas0-pthread is installed; its threads fight torch's OpenMP threads. Remove it for a fair anchor." >&2
fi

echo "Building the DeepOpt side (Release)..." >&2
dotnet build -c Release "$here/CnnBench/CnnBench.csproj" -v quiet -nologo >&2
dll="$here/CnnBench/bin/Release/net10.0/CnnBench.dll"

results=$(mktemp /tmp/cnn-bench.XXXXXX.jsonl)
withtunables=()
[ -n "$tunables" ] && withtunables=("GLIBC_TUNABLES=$tunables")
deepopt() { env "${withtunables[@]}" dotnet "$dll" --epochs "$epochs" --threads "$threads" --seed "$1" | tee -a "$results"; }
# These machines pin OpenBLAS to an older kernel through OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE: not for PyTorch.
pytorch() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${withtunables[@]}" "$py" "$here/torch_cnn.py" --epochs "$epochs" --threads "$threads" --seed "$1" | tee -a "$results"; }
for round in $(seq 1 "$rounds"); do
    echo "Round $round of $rounds (seed $round)..." >&2
    if [ $((round % 2)) -eq 1 ]; then deepopt "$round"; pytorch "$round"; else pytorch "$round"; deepopt "$round"; fi
done

echo
echo "CNN on Fashion-MNIST, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET SDK $(dotnet --version)${tunables:+, GLIBC_TUNABLES=$tunables on both sides}"
echo "CPU pressure at the end (other tenants of this machine): $(head -1 /proc/pressure/cpu 2>/dev/null || echo unknown)"
"$py" "$here/summarize.py" "$results"
echo "(raw results: $results)"
