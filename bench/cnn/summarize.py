#!/usr/bin/env python3
# Reads the RESULT lines of bench/cnn/run.sh (one JSON object per side and round) and prints the comparison.
# Usage: python3 summarize.py results.jsonl
import json
import statistics
import sys


def median(values):
    return statistics.median(values) if values else float("nan")


def main(path):
    runs = {"deepopt": [], "pytorch": []}
    with open(path) as f:
        for line in f:
            if line.startswith("RESULT "):
                r = json.loads(line[len("RESULT "):])
                runs[r["side"]].append(r)
    d, p = runs["deepopt"], runs["pytorch"]
    if not d or not p:
        sys.exit(f"{path} lacks the results of one side ({len(d)} DeepOpt, {len(p)} PyTorch).")

    def epoch(r):  # the mean epoch of one round
        return statistics.mean(r["epoch_seconds"])

    de, pe = median([epoch(r) for r in d]), median([epoch(r) for r in p])
    rows = d[0]["train_rows"]
    # Data moving: the part of DeepOpt's Fit outside its epochs (reading the IDataView once, into one tensor),
    # spread over the epochs and set against one epoch.
    share = median([r["outside_epochs_seconds"] / r["epochs"] / epoch(r) for r in d])
    outside = median([r["outside_epochs_seconds"] for r in d])
    da, pa = statistics.mean(r["test_accuracy"] for r in d), statistics.mean(r["test_accuracy"] for r in p)
    di, pi = median([r["inference_images_per_second"] for r in d]), median([r["inference_images_per_second"] for r in p])
    dl, pl = median([r["latency_ms_median"] for r in d]), median([r["latency_ms_median"] for r in p])

    print(f"Rounds: {len(d)} DeepOpt, {len(p)} PyTorch; {d[0]['epochs']} epochs, {d[0]['threads']} threads, "
          f"seeds {sorted({r['seed'] for r in d})}; medians over rounds, accuracy mean over rounds.")
    print(f"PyTorch {p[0]['torch_version']}, BLAS loaded: {', '.join(p[0]['blas']) or 'none found'}; "
          f"mkldnn available: {p[0]['mkldnn']}; OPENBLAS_* in its environment: {p[0]['openblas_env'] or 'none'}")
    print()
    print("| measure | DeepOpt | PyTorch | DeepOpt / PyTorch | target |")
    print("|---|---|---|---|---|")
    print(f"| epoch time (s) | {de:.1f} | {pe:.1f} | {de / pe:.2f} | <= 1.05 |")
    dc = [r["fit_cpu_seconds"] / r["epochs"] for r in d if "fit_cpu_seconds" in r]
    pc = [r["train_cpu_seconds"] / r["epochs"] for r in p if "train_cpu_seconds" in r]
    if dc and pc:
        print(f"| CPU time per epoch (s, user+sys) | {median(dc):.1f} | {median(pc):.1f} | {median(dc) / median(pc):.2f} | |")
    print(f"| train images/s | {rows / de:,.0f} | {rows / pe:,.0f} | {pe / de:.2f} | |")
    print(f"| data moving, share of an epoch | {share:.1%} ({outside:.2f} s per Fit) | | | <= 5 % |")
    print(f"| test accuracy | {da:.2%} | {pa:.2%} | {da - pa:+.2%} (difference) | >= 91.5 % after 10 epochs |")
    print(f"| batch inference images/s | {di:,.0f} | {pi:,.0f} | {pi / di:.2f} (time ratio) | |")
    print(f"| single-image latency (ms, median) | {dl:.3f} | {pl:.3f} | {dl / pl:.2f} | <= 1.5 |")
    oi = [r["onnx_inference_images_per_second"] for r in d if "onnx_inference_images_per_second" in r]
    if oi:
        ol = median([r["onnx_latency_ms_median"] for r in d])
        od = max(r["onnx_max_score_difference"] for r in d)
        print(f"| ONNX route (ONNX Runtime): batch images/s | {median(oi):,.0f} | {pi:,.0f} | {pi / median(oi):.2f} (time ratio) | |")
        print(f"| ONNX route: single-image latency (ms, median) | {ol:.3f} | {pl:.3f} | {ol / pl:.2f} | |")
        print(f"| ONNX route: largest score difference from DeepOpt | {od:.1e} | | | <= 1e-4 |")
    print()
    print("Per round (mean epoch s / accuracy / latency ms):")
    for side, rs in runs.items():
        print(f"  {side}: " + "; ".join(f"seed {r['seed']}: {epoch(r):.1f} s [{', '.join(f'{s:.1f}' for s in r['epoch_seconds'])}] / "
                                        f"{r['test_accuracy']:.2%} / {r['latency_ms_median']:.3f}" for r in rs))


if __name__ == "__main__":
    main(sys.argv[1])
