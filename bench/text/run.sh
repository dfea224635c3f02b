#!/usr/bin/env bash
# The text benchmark of issue 5, in one run on one machine and one split of Debian's package descriptions: the DeepOpt
# LSTM, ML.NET's FeaturizeText + SdcaMaximumEntropy, and the same LSTM in Debian's PyTorch (on OpenBLAS).
# Usage: bash bench/text/run.sh [--epochs N] [--threads N] [--seed N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
epochs=3 threads=2 seed=1
while [ $# -gt 0 ]; do
    case "$1" in
        --epochs) epochs=$2; shift ;;
        --threads) threads=$2; shift ;;
        --seed) seed=$2; shift ;;
        *) echo "Unknown option $1. Usage: bash bench/text/run.sh [--epochs N] [--threads N] [--seed N]" >&2; exit 2 ;;
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

[ -f "$here/data/train.tsv" ] || "$py" "$here/prepare_corpus.py"
echo "Corpus: $(sha256sum "$here/data/train.tsv" | cut -c1-16) (train) $(sha256sum "$here/data/test.tsv" | cut -c1-16) (test)" >&2

echo "Building the .NET side (Release)..." >&2
dotnet build -c Release "$here/TextBench/TextBench.csproj" -v quiet -nologo >&2
dll="$here/TextBench/bin/Release/net10.0/TextBench.dll"
results=$(mktemp /tmp/text-bench.XXXXXX.jsonl)
dotnet "$dll" --epochs "$epochs" --threads "$threads" --seed "$seed" | tee -a "$results"
# These machines pin OpenBLAS to an older kernel through OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE: not for PyTorch.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$py" "$here/torch_lstm.py" --epochs "$epochs" --threads "$threads" --seed "$seed" | tee -a "$results"

echo
echo "Text classification on Debian package descriptions, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET SDK $(dotnet --version), $epochs epochs"
echo "CPU pressure at the end (other tenants of this machine): $(head -1 /proc/pressure/cpu 2>/dev/null || echo unknown)"
"$py" - "$results" <<'PY'
import json, sys
rows = {r["name"]: r for r in (json.loads(l.split(" ", 1)[1]) for l in open(sys.argv[1]) if l.startswith("RESULT "))}
print(f"{'model':<14} {'accuracy':>9} {'macro-F1':>9} {'epoch s (mean)':>15} {'fit s':>7} {'infer rows/s':>13}")
for name, r in rows.items():
    epochs = r["epoch_seconds"]
    mean = f"{sum(epochs) / len(epochs):.1f}" if epochs else "-"
    print(f"{name:<14} {r['accuracy']:>9.4f} {r['macro_f1']:>9.4f} {mean:>15} {r['fit_seconds']:>7.1f} {r['inference_rows_per_second']:>13.0f}")
d, p = rows.get("deepopt-lstm"), rows.get("pytorch-lstm")
if d and p:
    ratio = (sum(d["epoch_seconds"]) / len(d["epoch_seconds"])) / (sum(p["epoch_seconds"]) / len(p["epoch_seconds"]))
    print(f"epoch time DeepOpt / PyTorch: {ratio:.2f} (target <= 1.10); PyTorch {p.get('torch')} on {p.get('blas')}")
m = rows.get("mlnet-sdca")
if d and m:
    print(f"accuracy DeepOpt - ML.NET: {d['accuracy'] - m['accuracy']:+.4f} (target >= 0)")
PY
echo "(raw results: $results)"
