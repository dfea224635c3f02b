# Licensed under the MIT license. See LICENSE in the repository root.
"""Recomputes median [Q1, Q3] per (tuner, objective, trials) with numpy's default quantiles and checks them against
the C# runner's summary file, so the tables use exactly the protocol's statistics."""
import collections
import csv
import sys

import numpy as np


def main():
    *inputs, summary_path = sys.argv[1:]
    groups = collections.defaultdict(list)
    for path in inputs:
        with open(path) as f:
            for row in csv.DictReader(f):
                groups[(row["tuner"], row["objective"], int(row["trials"]))].append(float(row["best_loss"]))
    mismatches = 0
    with open(summary_path) as f:
        for row in csv.DictReader(f):
            key = (row["tuner"], row["objective"], int(row["trials"]))
            if key not in groups:
                continue
            expected = np.quantile(groups[key], [0.25, 0.5, 0.75])
            actual = [float(row["q1"]), float(row["median"]), float(row["q3"])]
            if not np.allclose(expected, actual, rtol=1e-12, atol=1e-12):
                mismatches += 1
                print(f"quantile mismatch {key}: numpy {expected} vs C# {actual}", file=sys.stderr)
    print(f"numpy quantile check: {len(groups)} groups, {mismatches} mismatches", file=sys.stderr)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
