#!/usr/bin/env bash
# The data-parallel benchmark of issue 22 on this machine: the text bench's LSTM (Debian package descriptions) and the
# seed CNN (Fashion-MNIST), each as 1 replica x 1 thread, 1 replica x 2 threads, 2 replicas x 1 thread, and 2 MPI ranks
# x 1 thread (mpirun on this machine). The settings alternate over rounds (round r runs them in a rotated order, with
# seed r); summarize.py prints the median epoch time, CPU time and accuracy of each, and the ratios of the targets.
# Usage: bash bench/parallel/run.sh [--rounds N] [--from-round N] [--lstm-epochs N] [--cnn-epochs N] [--only lstm|cnn]
#   --from-round: start at that round (its seed and order), to finish an interrupted run into a new results file
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=3 first=1 lstm_epochs=3 cnn_epochs=2 only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift ;;
        --from-round) first=$2; shift ;;
        --lstm-epochs) lstm_epochs=$2; shift ;;
        --cnn-epochs) cnn_epochs=$2; shift ;;
        --only) only=$2; shift ;;
        *) echo "Unknown option $1. Usage: bash bench/parallel/run.sh [--rounds N] [--from-round N] [--lstm-epochs N] [--cnn-epochs N] [--only lstm|cnn]" >&2; exit 2 ;;
    esac
    shift
done

missing=""
command -v mpirun >/dev/null 2>&1 || missing="$missing openmpi-bin libopenmpi-dev"
[ -d /usr/share/datasets/fashion-mnist ] || missing="$missing dataset-fashion-mnist"
if [ -n "$missing" ]; then
    echo "Installing$missing..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# The LSTM's corpus, as bench/text prepares it.
data="$here/../text/data"
[ -f "$data/train.tsv" ] || /usr/bin/python3 "$here/../text/prepare_corpus.py"

echo "Building (Release)..." >&2
dotnet build -c Release "$here/ParallelBench/ParallelBench.csproj" -v quiet -nologo >&2
dll="$here/ParallelBench/bin/Release/net10.0/ParallelBench.dll"

# Open MPI as root in a container: allowed explicitly, and without the shared-memory single copy that needs ptrace.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
results=$(mktemp /tmp/parallel-bench.XXXXXX.jsonl)
echo "Results are appended to $results" >&2
# The RESULT line of each run (mpirun gives the ranks a terminal, so .NET may put an escape sequence before it).
run() {
    local network=$1 setting=$2 seed=$3 epochs=$4
    local common=(--network "$network" --epochs "$epochs" --seed "$seed")
    [ "$network" = lstm ] && common+=(--data "$data")
    echo "  $network $setting" >&2
    case "$setting" in
        1x1) dotnet "$dll" "${common[@]}" --replicas 1 --threads 1 ;;
        1x2) dotnet "$dll" "${common[@]}" --replicas 1 --threads 2 ;;
        2x1) dotnet "$dll" "${common[@]}" --replicas 2 --threads 1 ;;
        mpi) mpirun -np 2 dotnet "$dll" "${common[@]}" --replicas 1 --threads 1 --mpi ;;
    esac | sed -n 's/^.*\(RESULT {\)/\1/p' | tee -a "$results"
}
settings=(1x1 1x2 2x1 mpi)
for round in $(seq "$first" "$rounds"); do
    echo "Round $round of $rounds (seed $round)..." >&2
    for i in 0 1 2 3; do
        setting=${settings[$(((i + round - 1) % 4))]}
        [ "$only" = cnn ] || run lstm "$setting" "$round" "$lstm_epochs"
        [ "$only" = lstm ] || run cnn "$setting" "$round" "$cnn_epochs"
    done
done

echo
echo "Data-parallel training, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), .NET SDK $(dotnet --version), Open MPI $(mpirun --version | head -1 | awk '{print $NF}'), $rounds rounds"
echo "CPU pressure at the end (other tenants of this machine): $(head -1 /proc/pressure/cpu 2>/dev/null || echo unknown)"
/usr/bin/python3 "$here/summarize.py" "$results"
echo "(raw results: $results)"
