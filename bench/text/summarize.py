#!/usr/bin/env python3
# Licensed under the MIT license. See LICENSE in the repository root.
"""Reads the RESULT and LOAD lines of bench/text/run.sh or sweep.sh and prints the comparisons of issues 5 and 20.

Epoch time: the mean epoch of each round, then the median over rounds; the ratio is DeepOpt's median over PyTorch's.
CPU time per epoch: the process's user + sys time in each epoch from the second on (a one-epoch run: the fit's), mean
over those epochs, median over rounds (on a shared machine wall time also counts the time spent waiting for a core). Accuracy and macro-F1: the median over rounds, each round listed.
Usage: python3 summarize.py results.jsonl
"""

import json
import statistics
import sys


def main(path):
    results, loads = {}, {}
    with open(path) as file:
        for line in file:
            kind, _, body = line.partition(" ")
            if kind == "RESULT":
                r = json.loads(body)
                results.setdefault(r["name"], []).append(r)
            elif kind == "LOAD":
                r = json.loads(body)
                loads.setdefault(r["name"], []).append(r["cpu_some"])

    def epoch(r):
        return statistics.mean(r["epoch_seconds"])

    for rs in results.values():
        for r in rs:
            r.setdefault("epoch_seconds", [])

    def cpu_epoch(r):  # epochs 2.. (DeepOpt's first epoch is not separable from the start of its Fit)
        later = r.get("epoch_cpu_seconds_from_2") or []
        return statistics.mean(later) if later else r["fit_cpu_seconds"] / len(r["epoch_seconds"])

    print(f"{'model':<18} {'rounds':>6} {'accuracy':>9} {'macro-F1':>9} {'epoch s':>8} {'CPU s/epoch':>11} {'fit s':>7} {'infer rows/s':>13} {'CPU pressure':>13}")
    for name, rs in results.items():
        lstm = bool(rs[0]["epoch_seconds"])
        load = loads.get(name, [])
        print(f"{name:<18} {len(rs):>6} {statistics.median(r['accuracy'] for r in rs):>9.4f} "
              f"{statistics.median(r['macro_f1'] for r in rs):>9.4f} "
              f"{statistics.median(epoch(r) for r in rs) if lstm else float('nan'):>8.1f} "
              f"{statistics.median(cpu_epoch(r) for r in rs) if lstm and 'fit_cpu_seconds' in rs[0] else float('nan'):>11.1f} "
              f"{statistics.median(r['fit_seconds'] for r in rs):>7.1f} "
              f"{statistics.median(r['inference_rows_per_second'] for r in rs):>13.0f} "
              f"{f'{statistics.mean(load):.0%}' if load else '-':>13}")

    print()
    print("Per round: seed, accuracy, macro-F1, epoch seconds, CPU pressure while the side ran")
    for name, rs in results.items():
        load = loads.get(name, [])
        for i, r in enumerate(rs):
            pressure = f", pressure {load[i]:.0%}" if i < len(load) else ""
            epochs = ", ".join(f"{s:.1f}" for s in r["epoch_seconds"]) or f"fit {r['fit_seconds']:.1f}"
            print(f"  {name:<18} seed {r.get('seed', '?')}: {r['accuracy']:.4f}, {r['macro_f1']:.4f}, [{epochs}]{pressure}")

    d, p, m = results.get("deepopt-lstm"), results.get("pytorch-lstm"), results.get("mlnet-sdca") or results.get("mlnet-sdca-w1-c3")
    print()
    if d and p:
        ratio = statistics.median(epoch(r) for r in d) / statistics.median(epoch(r) for r in p)
        print(f"epoch time DeepOpt / PyTorch (medians over rounds): {ratio:.2f} (target <= 1.10); "
              f"PyTorch {p[0].get('torch')} on {p[0].get('blas')}")
        if "fit_cpu_seconds" in d[0] and "fit_cpu_seconds" in p[0]:
            cpu = statistics.median(cpu_epoch(r) for r in d) / statistics.median(cpu_epoch(r) for r in p)
            print(f"CPU time per epoch DeepOpt / PyTorch: {cpu:.2f}")
    if d and m:
        gap = statistics.median(r["accuracy"] for r in d) - statistics.median(r["accuracy"] for r in m)
        print(f"accuracy DeepOpt (median) - ML.NET: {gap:+.4f} (target >= 0)")

    versus_mlnet(results)


def versus_mlnet(results):
    """Issue 20: the best model of the DeepOpt sweep against ML.NET's best FeaturizeText variant on test accuracy."""
    sweep = results.get("deepopt-sweep-best")
    mlnet = [r for name, rs in results.items() if name.startswith("mlnet-") for r in rs]
    if not sweep or not mlnet:
        return
    best = max(mlnet, key=lambda r: r["accuracy"])
    best_f1 = max(r["macro_f1"] for r in mlnet)
    s = sweep[-1]
    print()
    print(f"DeepOpt sweep ({s['sweep_minutes']:g} min, {s['trials']} trials, {s['pruned']} pruned, {s['failed']} failed; "
          f"best trial {s['best_trial']}, validation accuracy {s['best_validation_accuracy']:.4f})")
    print(f"  best options: {s['best_options']}")
    print(f"  accuracy {s['accuracy']:.4f} vs ML.NET's best {best['accuracy']:.4f} ({best['name']}): "
          f"{100 * (s['accuracy'] - best['accuracy']):+.2f} points (target >= +2)")
    print(f"  macro-F1 {s['macro_f1']:.4f} vs ML.NET's best {best_f1:.4f}: {100 * (s['macro_f1'] - best_f1):+.2f} points (target >= +2)")
    print(f"  single-row latency (median of 500 PredictionEngine calls): DeepOpt {s['single_row_ms_median']:.3f} ms, "
          f"ML.NET {best['name']} {best['single_row_ms_median']:.3f} ms")
    seeds = next((rs[-1] for name, rs in results.items() if name.startswith("deepopt-sweep-seeds")), None)
    if seeds:
        ensemble_line(f"The best trial with {seeds['members']} seeds averaged, each retrained:", seeds, best, best_f1, s)
    ensemble = next((rs[-1] for name, rs in results.items() if name.startswith("deepopt-sweep-ensemble")), None)
    if ensemble:
        ensemble_line(f"Ensemble of the sweep's {ensemble['members']} best trials (trials {ensemble['trials']}), each retrained:", ensemble, best, best_f1, s)


def ensemble_line(title, ensemble, best, best_f1, s):
    """An ensemble's accuracy, macro-F1 and latency against ML.NET's best and the sweep's best single model."""
    print(title)
    print(f"  accuracy {ensemble['accuracy']:.4f}: {100 * (ensemble['accuracy'] - best['accuracy']):+.2f} points over ML.NET's best, "
          f"{100 * (ensemble['accuracy'] - s['accuracy']):+.2f} over the best single model")
    print(f"  macro-F1 {ensemble['macro_f1']:.4f}: {100 * (ensemble['macro_f1'] - best_f1):+.2f} points over ML.NET's best, "
          f"{100 * (ensemble['macro_f1'] - s['macro_f1']):+.2f} over the best single model")
    print(f"  single-row latency {ensemble['single_row_ms_median']:.3f} ms")


if __name__ == "__main__":
    main(sys.argv[1])
