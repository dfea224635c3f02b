# Licensed under the MIT license. See LICENSE in the repository root.
"""Optuna 3.1's NSGAIISampler and multi-objective TPESampler on the problems of MoBench/Problems.cs (the same
definitions), in the same run as the DeepOpt tuners. Writes the same CSV rows as MoBench: problem, sampler, seed,
trial, f1, f2, f3 (empty for two objectives) and the sampler's own seconds for the trial (ask and tell, the problem
excluded).

Usage: python3 optuna_mo.py OUT.csv [SEEDS] [TRIALS] [PROBLEMS]
"""
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

OPTIMIZERS = {"sgd": (-1.0, 0.0), "momentum": (-1.5, 0.01), "adam": (-3.0, 0.015), "rmsprop": (-3.2, 0.01)}
ACTIVATIONS = {"relu": (0.0, 1.0), "tanh": (-0.01, 1.1), "gelu": (0.005, 1.25)}


def unit(trial, d):
    return [trial.suggest_float(f"x{i}", 0, 1) for i in range(1, d + 1)]


def zdt(h):
    def problem(trial):
        x = unit(trial, 10)
        g = 1 + 9 * sum(x[1:]) / 9
        return [x[0], g * h(x[0], g)]
    return problem


def dtlz2(trial):
    x = unit(trial, 12)
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


def mixed(trial):
    layers = trial.suggest_int("layers", 1, 8)
    width = trial.suggest_int("width", 16, 1024, log=True)
    rate = trial.suggest_float("learning_rate", 1e-5, 1, log=True)
    dropout = trial.suggest_float("dropout", 0, 0.8)
    best_rate, optimizer_bonus = OPTIMIZERS[trial.suggest_categorical("optimizer", list(OPTIMIZERS))]
    activation_bonus, cost = ACTIVATIONS[trial.suggest_categorical("activation", list(ACTIVATIONS))]
    capacity = layers * math.log2(width)
    rate_gap = math.log10(rate) - best_rate
    dropout_gap = dropout - 0.1 - 0.02 * layers
    error = (0.05 + 0.4 * math.exp(-capacity / 12) + 0.02 * rate_gap * rate_gap + 0.3 * dropout_gap * dropout_gap
             - optimizer_bonus - activation_bonus)
    latency = cost * (0.02 + layers * float(width) * width * 2e-7)
    return [error, latency]


PROBLEMS = {
    "zdt1": (2, zdt(lambda f1, g: 1 - math.sqrt(f1 / g))),
    "zdt2": (2, zdt(lambda f1, g: 1 - (f1 / g) * (f1 / g))),
    "zdt3": (2, zdt(lambda f1, g: 1 - math.sqrt(f1 / g) - f1 / g * math.sin(10 * math.pi * f1))),
    "dtlz2": (3, dtlz2),
    "mixed": (2, mixed),
}

SAMPLERS = {
    "optuna-nsga2": lambda seed: optuna.samplers.NSGAIISampler(seed=seed),
    "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
}


def main():
    out = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    names = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[4] else list(PROBLEMS)
    with open(out, "w") as f:
        f.write("problem,tuner,seed,trial,f1,f2,f3,seconds\n")
        for name in names:
            count, problem = PROBLEMS[name]
            for sampler_name, make in SAMPLERS.items():
                started = time.time()
                for seed in range(seeds):
                    study = optuna.create_study(directions=["minimize"] * count, sampler=make(seed))
                    for t in range(trials):
                        begin = time.perf_counter()
                        trial = study.ask()
                        values = problem(trial)
                        middle = time.perf_counter()
                        study.tell(trial, values)
                        seconds = (middle - begin) + (time.perf_counter() - middle)
                        f3 = repr(values[2]) if count > 2 else ""
                        f.write(f"{name},{sampler_name},{seed},{t},{values[0]!r},{values[1]!r},{f3},{seconds!r}\n")
                f.flush()
                print(f"{name} {sampler_name}: {seeds} seeds in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
