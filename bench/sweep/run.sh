#!/usr/bin/env bash
# The sweep benchmark of issue 7 on Fashion-MNIST (Debian's dataset-fashion-mnist).
# Usage: bash bench/sweep/run.sh [target|hour] [--rounds N] [--target ACC] [--train-rows N] [--validation-rows N] [--epochs N] [--minutes M] [--tuner bayes|cfo]
#   target (default): random search over the CNN space with ASHA pruning against the same search without pruning
#     (same seed, so the same configurations in the same order), each until an epoch first reaches the target
#     validation accuracy; the two sides alternate round by round; prints each time and the median ratio.
#   hour: a Bayesian sweep (--tuner cfo for cost-frugal) with ASHA for --minutes (default 60), the best configuration
#     retrained on all 60,000 training images, and its test accuracy.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=target rounds=3 extra=()
[ $# -gt 0 ] && [[ "$1" != --* ]] && { mode=$1; shift; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift ;;
        --target|--train-rows|--validation-rows|--epochs|--minutes|--threads|--max-trials|--tuner|--data|--report) extra+=("$1" "$2"); shift ;;
        *) echo "Unknown option $1. Usage: bash bench/sweep/run.sh [target|hour] [--rounds N] [--target ACC] [--train-rows N] [--validation-rows N] [--epochs N] [--minutes M] [--tuner bayes|cfo]" >&2; exit 2 ;;
    esac
    shift
done

dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null; }
echo "Building (Release)..." >&2
dotnet build -c Release "$here/SweepBench/SweepBench.csproj" -v quiet -nologo >&2
dll="$here/SweepBench/bin/Release/net10.0/SweepBench.dll"
results=$(mktemp /tmp/sweep-bench.XXXXXX.jsonl)

echo "Sweep benchmark ($mode), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if [ "$mode" = hour ]; then
    dotnet "$dll" --mode hour "${extra[@]}" | tee -a "$results"
else
    for round in $(seq 1 "$rounds"); do
        echo "Round $round of $rounds (seed $round)..." >&2
        if [ $((round % 2)) -eq 1 ]; then order="asha none"; else order="none asha"; fi
        for side in $order; do dotnet "$dll" --mode target --pruning "$side" --seed "$round" "${extra[@]}" | tee -a "$results"; done
    done
    python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ratios = []
print(f"{'seed':>4} {'ASHA s':>8} {'full s':>8} {'ratio':>6}   trials (pruned) ASHA / full")
for seed in sorted({r["seed"] for r in rows}):
    asha = next(r for r in rows if r["seed"] == seed and r["side"] == "asha")
    full = next(r for r in rows if r["seed"] == seed and r["side"] == "full")
    a, f = asha["seconds_to_target"], full["seconds_to_target"]
    ratio = a / f if a and f else None
    if ratio is not None:
        ratios.append(ratio)
    fmt = lambda x: f"{x:8.1f}" if x else "     n/a"
    print(f"{seed:>4} {fmt(a)} {fmt(f)} {ratio if ratio is None else round(ratio, 2)!s:>6}   {asha['trials']} ({asha['pruned']}) / {full['trials']} ({full['pruned']})")
if ratios:
    print(f"median ratio (ASHA / full-budget random search) over {len(ratios)} seeds: {statistics.median(ratios):.2f} (target <= 0.33)")
PY
fi
echo "(raw results: $results)"
