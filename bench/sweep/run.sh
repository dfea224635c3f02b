#!/usr/bin/env bash
# The sweep benchmark of issue 7 on Fashion-MNIST (Debian's dataset-fashion-mnist).
# Usage: bash bench/sweep/run.sh [target|hour|pareto|warm-start] [--rounds N] [--first-seed S] [--target ACC] [--train-rows N] [--validation-rows N]
#          [--epochs N] [--max-trials N] [--minutes M] [--tuner T[,T...]] [--pruner asha|hyperband|median]
#   target (default): full-budget random search over the CNN space against sweeps with pruning (ASHA unless --pruner
#     says otherwise), one per tuner of --tuner (random, bayes or cfo; default random), all with the same seed, each
#     until an epoch first reaches the target validation accuracy. Round r uses seed S + r - 1; the order of the sides
#     is reversed every other round. Prints each time and, per tuner, the median ratio against full-budget random
#     search. With the random tuner both sides try the same configurations in the same order: pruning alone.
#   hour: a Bayesian sweep (--tuner cfo for cost-frugal) with ASHA for --minutes (default 60), the best configuration
#     retrained on all 60,000 training images, and its test accuracy.
#   pareto: a multi-objective sweep (issue 21) of validation accuracy against single-image latency for --minutes
#     (default 60; the bench/README figures use 30), then each Pareto-front model tested on the 10,000 test images.
#   warm-start: a short sweep on a related subset (other rows) into a SQLite file, then per round the measured sweep
#     cold and warm-started from it (same seed, order reversed every other round), on one core (taskset -c 0 when
#     available); prints time and trials to the target and the median ratio. Its options: see bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage="Usage: bash bench/sweep/run.sh [target|hour|pareto|warm-start] [--rounds N] [--first-seed S] [--target ACC] [--train-rows N] [--validation-rows N] [--epochs N] [--max-trials N] [--minutes M] [--tuner T[,T...]] [--pruner asha|hyperband|median]"
mode=target rounds=3 first=1 tuners=random extra=()
[ $# -gt 0 ] && [[ "$1" != --* ]] && { mode=$1; shift; }
if [ "$mode" = warm-start ]; then
    dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null; }
    echo "Building (Release)..." >&2
    dotnet build -c Release "$here/SweepBench/SweepBench.csproj" -v quiet -nologo >&2
    pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
    echo "Sweep benchmark (warm-start), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    exec "${pin[@]}" dotnet "$here/SweepBench/bin/Release/net10.0/SweepBench.dll" --mode warm-start "$@"
fi
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift ;;
        --first-seed) first=$2; shift ;;
        --tuner) tuners=$2; shift ;;
        --target|--train-rows|--validation-rows|--epochs|--minutes|--threads|--max-trials|--pruner|--data|--report) extra+=("$1" "$2"); shift ;;
        *) echo "Unknown option $1. $usage" >&2; exit 2 ;;
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
    [ "$tuners" = random ] && tuners=bayes
    dotnet "$dll" --mode hour --tuner "$tuners" "${extra[@]}" | tee -a "$results"
elif [ "$mode" = pareto ]; then
    dotnet "$dll" --mode pareto "${extra[@]}" | tee -a "$results"
else
    sides="full ${tuners//,/ }"
    for round in $(seq 1 "$rounds"); do
        seed=$((first + round - 1))
        echo "Round $round of $rounds (seed $seed)..." >&2
        order=$sides
        [ $((round % 2)) -eq 0 ] && order=$(echo "$sides" | tr ' ' '\n' | tac | xargs)
        for side in $order; do
            if [ "$side" = full ]; then args=(--pruning off); else args=(--pruning on --tuner "$side"); fi
            dotnet "$dll" --mode target "${args[@]}" --seed "$seed" "${extra[@]}" | tee -a "$results"
        done
    done
    python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
full = {r["seed"]: r for r in rows if r["side"] == "full"}
fmt = lambda x: f"{x:8.1f}" if x else "     n/a"
for tuner in dict.fromkeys(r["tuner"] for r in rows if r["side"] == "pruned"):
    pruned = {r["seed"]: r for r in rows if r["side"] == "pruned" and r["tuner"] == tuner}
    print(f"\n{tuner} search with {next(iter(pruned.values()))['pruner']} against full-budget random search")
    print(f"{'seed':>4} {'pruned s':>8} {'full s':>8} {'ratio':>6}   trials (pruned) with pruning / full")
    ratios = []
    for seed in sorted(pruned):
        p, f = pruned[seed], full.get(seed)
        a, b = p["seconds_to_target"], f and f["seconds_to_target"]
        ratio = a / b if a and b else None
        if ratio is not None:
            ratios.append(ratio)
        print(f"{seed:>4} {fmt(a)} {fmt(b)} {'n/a' if ratio is None else round(ratio, 2)!s:>6}   "
              f"{p['trials']} ({p['pruned']}) / {f['trials'] if f else '-'}")
    if ratios:
        print(f"median ratio over {len(ratios)} seeds: {statistics.median(ratios):.2f} (target <= 0.33)")
PY
fi
echo "(raw results: $results)"
