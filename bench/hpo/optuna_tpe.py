# Licensed under the MIT license. See LICENSE in the repository root.
"""Optuna's TPE on the protocol of shared/hpo-benchmark/OBJECTIVES.md, in the same run as the DeepOpt tuners.

Writes two CSV files: best-so-far per (objective, seed, trials) and the sampler overhead (ask + suggest + tell,
objective excluded) per objective.
"""
import math
import statistics
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

CHECKPOINTS = (10, 25, 50, 100)
ALPHA = (1.0, 1.2, 3.0, 3.2)
A = ((10, 3, 17, 3.5, 1.7, 8), (0.05, 10, 17, 0.1, 8, 14), (3, 3.5, 1.7, 10, 17, 8), (17, 8, 0.05, 10, 0.1, 14))
P = ((1312, 1696, 5569, 124, 8283, 5886), (2329, 4135, 8307, 3736, 1004, 9991),
     (2348, 1451, 3522, 2883, 3047, 6650), (4047, 8828, 8732, 5743, 1091, 381))
OPTIMIZERS = {"sgd": (0.05, 0.1), "momentum": (0.0, 0.05), "adam": (0.015, 0.001), "rmsprop": (0.03, 0.0003)}


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    return lambda: ((x2 - 5.1 / (4 * math.pi ** 2) * x1 ** 2 + 5 / math.pi * x1 - 6) ** 2
                    + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10)


def hartmann6(trial):
    x = [trial.suggest_float(f"x{j + 1}", 0, 1) for j in range(6)]
    return lambda: -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - 1e-4 * P[i][j]) ** 2 for j in range(6)))
                        for i in range(4))


def rosenbrock4(trial):
    x = [trial.suggest_float(f"x{j + 1}", -2, 2) for j in range(4)]
    return lambda: sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def dlmixed(trial):
    lr = trial.suggest_float("learning_rate", 1e-5, 1, log=True)
    bs = trial.suggest_int("batch_size", 8, 512, log=True)
    dropout = trial.suggest_float("dropout", 0, 0.8)
    wd = trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True)
    opt = trial.suggest_categorical("optimizer", list(OPTIMIZERS))

    def loss():
        l0, lr0 = OPTIMIZERS[opt]
        u = math.log10(lr / (lr0 * math.sqrt(bs / 32)))
        b = math.log2(bs / 32)
        reg = dropout / 0.8 + (math.log10(wd) + 6) / 5
        return (0.25 + l0 + 0.12 * u * u + 0.8 * max(0, u - 0.5) ** 2 + 0.006 * b * b + 0.02 * max(0, b)
                + 0.10 * (reg - 0.5) ** 2 + 0.04 * dropout * max(0, -u))

    return loss


OBJECTIVES = {"branin": branin, "hartmann6": hartmann6, "rosenbrock4": rosenbrock4, "dlmixed": dlmixed}


def run(objective, seed, times):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    best, curve = math.inf, []
    for _ in range(100):
        start = time.perf_counter()
        trial = study.ask()
        evaluate = OBJECTIVES[objective](trial)
        asked = time.perf_counter()
        f = evaluate()
        told = time.perf_counter()
        study.tell(trial, f)
        end = time.perf_counter()
        if times is not None:
            times.append((asked - start + end - told) * 1e6)
        best = min(best, f)
        curve.append(best)
    return curve


def main():
    best_path, overhead_path, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20
    with open(best_path, "w") as best_file, open(overhead_path, "w") as overhead_file:
        best_file.write("tuner,objective,seed,trials,best_loss\n")
        overhead_file.write("tuner,objective,mean_us,median_us,p95_us,max_us\n")
        for objective in OBJECTIVES:
            run(objective, 12345, None)
            times = []
            for seed in range(seeds):
                curve = run(objective, seed, times)
                for k in CHECKPOINTS:
                    best_file.write(f"optuna-tpe-run,{objective},{seed},{k},{curve[k - 1]!r}\n")
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            overhead_file.write(f"optuna-tpe-run,{objective},{statistics.fmean(times):.0f},"
                                f"{statistics.median(times):.0f},{p95:.0f},{max(times):.0f}\n")
            print(f"{objective} optuna-tpe-run done", file=sys.stderr)


if __name__ == "__main__":
    main()
