# Licensed under the MIT license. See LICENSE in the repository root.
"""Hypervolume of every tuner's trials after 50 and 100 trials, per problem: median [Q1, Q3] over seeds against the
fixed reference points below, then whether DeepOpt's default multi-objective tuner beats both Optuna samplers.

Usage: python3 summarize.py RESULTS.csv [RESULTS.csv ...]
"""
import csv
import sys
from collections import defaultdict

import numpy as np

# Worse than every point of interest; ZDT's and DTLZ2's are BoTorch's test-problem reference points.
REFERENCE = {"zdt1": (11, 11), "zdt2": (11, 11), "zdt3": (11, 11), "dtlz2": (1.1, 1.1, 1.1), "mixed": (1.0, 2.5)}
BUDGETS = (50, 100)
DEFAULT = "deepopt-mobo"
ANCHORS = ("optuna-nsga2", "optuna-tpe")


def hypervolume(points, reference):
    """Exact hypervolume (minimization) by slicing along the last objective."""
    inside = [p for p in points if all(v < r for v, r in zip(p, reference))]
    if not inside:
        return 0.0
    if len(reference) == 1:
        return reference[0] - min(p[0] for p in inside)
    if len(reference) == 2:
        volume, best = 0.0, reference[1]
        for x, y in sorted(inside):
            if y < best:
                volume += (reference[0] - x) * (best - y)
                best = y
        return volume
    inside.sort(key=lambda p: p[-1])
    total = 0.0
    for i, p in enumerate(inside):
        top = inside[i + 1][-1] if i + 1 < len(inside) else reference[-1]
        if top > p[-1]:
            total += (top - p[-1]) * hypervolume([q[:-1] for q in inside[:i + 1]], reference[:-1])
    return total


def main():
    runs = defaultdict(list)
    overhead = defaultdict(list)
    for path in sys.argv[1:]:
        with open(path) as f:
            for row in csv.DictReader(f):
                point = tuple(float(row[k]) for k in ("f1", "f2", "f3") if row[k] != "")
                runs[(row["problem"], row["tuner"], int(row["seed"]))].append((int(row["trial"]), point))
                overhead[(row["problem"], row["tuner"])].append(float(row["seconds"]))
    volumes = defaultdict(list)
    for (problem, tuner, seed), trials in sorted(runs.items()):
        trials.sort()
        for budget in BUDGETS:
            if len(trials) >= budget:
                volumes[(problem, budget, tuner)].append(hypervolume([p for _, p in trials[:budget]], REFERENCE[problem]))
    problems = sorted({k[0] for k in volumes}, key=list(REFERENCE).index)
    tuners = sorted({k[2] for k in volumes})
    print("| problem | trials | " + " | ".join(tuners) + " |")
    print("|---|---|" + "---|" * len(tuners))
    verdicts = []
    for problem in problems:
        for budget in BUDGETS:
            cells = []
            medians = {}
            for tuner in tuners:
                v = volumes.get((problem, budget, tuner))
                if not v:
                    cells.append("")
                    continue
                q1, med, q3 = np.percentile(v, [25, 50, 75])
                medians[tuner] = med
                cells.append(f"{med:.4f} [{q1:.4f}, {q3:.4f}] (n={len(v)})")
            print(f"| {problem} | {budget} | " + " | ".join(cells) + " |")
            if DEFAULT in medians and all(a in medians for a in ANCHORS):
                wins = all(medians[DEFAULT] > medians[a] for a in ANCHORS)
                verdicts.append(wins)
                if not wins:
                    print(f"  target missed: {problem} at {budget} trials", file=sys.stderr)
    print("\nTuner overhead per trial (ask and tell, the problem excluded), mean ms:")
    print("| problem | " + " | ".join(tuners) + " |")
    print("|---|" + "---|" * len(tuners))
    for problem in problems:
        cells = [f"{1000 * np.mean(overhead[(problem, t)]):.2f}" if overhead.get((problem, t)) else "" for t in tuners]
        print(f"| {problem} | " + " | ".join(cells) + " |")
    if verdicts:
        print(f"\nTarget (median hypervolume of {DEFAULT} above both Optuna samplers): {sum(verdicts)} of {len(verdicts)} cells")


if __name__ == "__main__":
    main()
