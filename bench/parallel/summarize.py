#!/usr/bin/env python3
# Licensed under the MIT license. See LICENSE in the repository root.
"""Reads the RESULT lines of bench/parallel/run.sh and prints, per network and setting, the median over rounds of the
mean epoch time, of the CPU time of the fit (all ranks; reading the data included) per epoch, and of the test accuracy;
then the targets of issue 22: each round's ratio of 2 replicas x 1 thread to the better single-replica setting of that
round (median over rounds; target <= 0.6), the accuracy gap to 1 replica x 1 thread, and the MPI time per step.
Usage: python3 summarize.py results.jsonl
"""

import json
import statistics
import sys


def setting(r):
    if r["ranks"] > 1:
        return "mpi"
    return f'{r["replicas"]}x{r["threads"]}'


def main(path):
    runs = {}
    with open(path) as file:
        for line in file:
            if line.startswith("RESULT "):
                r = json.loads(line[7:])
                runs.setdefault(r["network"], {}).setdefault(setting(r), {})[r["seed"]] = r
    names = {"1x1": "1 replica x 1 thread", "1x2": "1 replica x 2 threads", "2x1": "2 replicas x 1 thread", "mpi": "2 MPI ranks x 1 thread"}
    for network, settings in runs.items():
        print(f"\n{network}")
        print(f"{'setting':<24} {'rounds':>6} {'epoch s':>8} {'CPU s/epoch':>12} {'accuracy':>9}  per round (epoch s / accuracy)")
        for key in ["1x1", "1x2", "2x1", "mpi"]:
            rs = settings.get(key, {})
            if not rs:
                continue
            epoch = statistics.median(statistics.mean(r["epoch_seconds"]) for r in rs.values())
            cpu = statistics.median(r["fit_cpu_seconds"] / r["epochs"] for r in rs.values())
            accuracy = statistics.median(r["accuracy"] for r in rs.values())
            rounds = ", ".join(f'{statistics.mean(r["epoch_seconds"]):.2f}/{r["accuracy"]:.4f}' for _, r in sorted(rs.items()))
            print(f"{names[key]:<24} {len(rs):>6} {epoch:>8.2f} {cpu:>12.2f} {accuracy:>9.4f}  {rounds}")

        ratios, gaps = [], []
        for seed, replicas in settings.get("2x1", {}).items():
            singles = [settings[k][seed] for k in ("1x1", "1x2") if seed in settings.get(k, {})]
            if singles:
                best = min(statistics.mean(r["epoch_seconds"]) for r in singles)
                ratios.append(statistics.mean(replicas["epoch_seconds"]) / best)
            if seed in settings.get("1x1", {}):
                gaps.append(replicas["accuracy"] - settings["1x1"][seed]["accuracy"])
        if ratios:
            print(f"2 replicas / better single-replica setting, epoch time: median {statistics.median(ratios):.3f} (rounds: {', '.join(f'{x:.3f}' for x in ratios)}); target <= 0.6: {'met' if statistics.median(ratios) <= 0.6 else 'missed'}")
        if gaps:
            print(f"accuracy, 2 replicas minus 1 replica x 1 thread: median {100 * statistics.median(gaps):+.2f} points (rounds: {', '.join(f'{100 * g:+.2f}' for g in gaps)}); target within 0.5: {'met' if abs(statistics.median(gaps)) <= 0.005 else 'missed'}")
        mpi = list(settings.get("mpi", {}).values())
        if mpi:
            print(f"MPI: {statistics.median(r['collective_ms_per_step'] for r in mpi):.2f} ms per step in collectives (waiting for the other rank included), "
                  f"an all-reduce of the {network}'s gradients alone {statistics.median(r['allreduce_ms'] for r in mpi):.2f} ms (medians over rounds)")


if __name__ == "__main__":
    main(sys.argv[1])
