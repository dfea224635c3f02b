#!/usr/bin/env python3
# The PyTorch side of bench/cnn: Debian's python3-torch on the same seed CNN, data, batch size (128), Adam 1e-3,
# epochs and thread count as the DeepOpt side. Prints one line "RESULT {json}".
# Usage: python3 torch_cnn.py [--data DIR] [--epochs N] [--threads N] [--seed N] [--latency N]
import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(folder, name):
    path = os.path.join(folder, name)
    opener = open if os.path.exists(path) else gzip.open
    path = path if os.path.exists(path) else path + ".gz"
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, split):
    images = read_idx(folder, f"{split}-images-idx3-ubyte").astype(np.float32)
    labels = read_idx(folder, f"{split}-labels-idx1-ubyte").astype(np.int64)
    return torch.from_numpy(images.reshape(-1, 784)), torch.from_numpy(labels)


class SeedCnn(nn.Module):
    """conv 3x3 32 pad 1, ReLU, max-pool 2, conv 3x3 64 pad 1, ReLU, max-pool 2, flatten, dense 128 ReLU, dense 10;
    pixels scaled by 1/255 inside, as DeepOpt's PixelScale does."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.head(self.blocks(x.view(-1, 1, 28, 28) * (1.0 / 255)))


def blas_libraries():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if ".so" in line}
    return sorted(os.path.realpath(p) for p in paths if "blas" in p.lower() or "lapack" in p.lower() or "mkl" in p.lower())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency", type=int, default=1000)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "t10k")
    model = SeedCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    epoch_seconds = []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    for epoch in range(args.epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_x), generator=generator)
        total, batches = 0.0, 0
        for i in range(0, len(order), 128):
            rows = order[i:i + 128]
            x, y = train_x[rows], train_y[rows]
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        epoch_seconds.append(time.perf_counter() - start)
        print(f"torch epoch {epoch + 1}/{args.epochs} loss {total / batches:.4f} {epoch_seconds[-1]:.1f} s", file=sys.stderr)

    usage = resource.getrusage(resource.RUSAGE_SELF)
    train_cpu_seconds = usage.ru_utime + usage.ru_stime - cpu_before
    model.eval()
    inference = []
    with torch.no_grad():
        for _ in range(3):
            start = time.perf_counter()
            correct = 0
            for i in range(0, len(test_x), 256):  # DeepOpt's transformer scores 256 rows per forward pass
                correct += (model(test_x[i:i + 256]).softmax(1).argmax(1) == test_y[i:i + 256]).sum().item()
            inference.append(time.perf_counter() - start)
        latencies = []
        for i in range(args.latency + 50):
            start = time.perf_counter()
            label = model(test_x[i % len(test_x)].unsqueeze(0)).softmax(1).argmax(1).item()
            if i >= 50:
                latencies.append((time.perf_counter() - start) * 1000)

    inference.sort()
    latencies.sort()
    result = {
        "side": "pytorch", "seed": args.seed, "threads": args.threads, "epochs": args.epochs,
        "train_rows": len(train_x), "epoch_seconds": epoch_seconds, "train_loss": total / batches,
        "train_cpu_seconds": train_cpu_seconds,
        "test_accuracy": correct / len(test_x),
        "inference_seconds": inference[1], "inference_images_per_second": len(test_x) / inference[1],
        "latency_ms_median": statistics.median(latencies), "latency_ms_p90": latencies[len(latencies) * 9 // 10],
        "torch_version": torch.__version__, "blas": blas_libraries(),
        "mkldnn": torch.backends.mkldnn.is_available(), "torch_threads": torch.get_num_threads(),
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")},
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
