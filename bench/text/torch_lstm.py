#!/usr/bin/env python3
# Licensed under the MIT license. See LICENSE in the repository root.
"""The PyTorch side of bench/text: the DeepOpt LSTM's model in PyTorch, on the same split, tokens and hyperparameters.

Tokens: lower-cased runs of letters and digits. Vocabulary: the 20,000 most frequent words of the training data seen at
least twice, numbered from 2 by first occurrence (0 padding, 1 out-of-vocabulary). Each row: its first 96 ids, padded
with 0 at the end. Model: embedding 64 (padding 0), a bidirectional single-layer LSTM of 64 units per direction whose
backward direction reads each row reversed within its own length, max pooling over the tokens, dropout 0.3, a linear
output layer. Adam 2e-3, gradient norm clipped at 5, batches of 32, shuffled each epoch.
Prints one line "RESULT {json}" as TextBench does.
Usage: python3 torch_lstm.py [--data DIR] [--epochs N] [--threads N] [--seed N]
"""

import argparse
import collections
import json
import os
import re
import time

import torch

TOKEN = re.compile(r"[^\W_]+")
LENGTH, VOCABULARY, MIN_FREQUENCY = 96, 20000, 2


def read(path):
    with open(path, encoding="utf-8") as file:
        next(file)
        return [line.rstrip("\n").split("\t", 1) for line in file]


def tokens(text):
    return TOKEN.findall(text.lower())


def vocabulary(texts):
    counts, first = collections.Counter(), {}
    for text in texts:
        for token in tokens(text):
            counts[token] += 1
            first.setdefault(token, len(first))
    kept = [w for w in counts if counts[w] >= MIN_FREQUENCY]
    kept = sorted(kept, key=lambda w: (-counts[w], first[w]))[:VOCABULARY]
    return {w: i + 2 for i, w in enumerate(sorted(kept, key=first.get))}


def encode(texts, ids):
    rows = torch.zeros(len(texts), LENGTH, dtype=torch.int64)
    for r, text in enumerate(texts):
        sequence = [ids.get(t, 1) for t in tokens(text)][:LENGTH]
        rows[r, :len(sequence)] = torch.tensor(sequence, dtype=torch.int64)
    return rows


class Network(torch.nn.Module):
    def __init__(self, words, classes):
        super().__init__()
        self.embedding = torch.nn.Embedding(words, 64, padding_idx=0)
        self.fwd = torch.nn.LSTM(64, 64, batch_first=True)
        self.bwd = torch.nn.LSTM(64, 64, batch_first=True)
        self.drop = torch.nn.Dropout(0.3)
        self.out = torch.nn.Linear(128, classes)

    def forward(self, ids):
        lengths = ids.ne(0).sum(1)
        longest = max(1, int(lengths.max()))
        ids = ids[:, :longest]
        x = self.embedding(ids) * ids.ne(0).unsqueeze(-1).float()
        steps = lengths.clamp(min=1).unsqueeze(1)
        positions = torch.arange(longest).unsqueeze(0)
        valid = positions < steps
        reverse = torch.where(valid, steps - 1 - positions, positions).unsqueeze(-1)
        forward, _ = self.fwd(x)
        backward, _ = self.bwd(x.gather(1, reverse.expand_as(x)))
        backward = backward.gather(1, reverse.expand_as(backward))
        outputs = torch.cat([forward, backward], 2).masked_fill(~valid.unsqueeze(-1), float("-inf"))
        return self.out(self.drop(outputs.amax(1)))


def macro_f1(actual, predicted):
    scores = []
    for c in sorted(set(actual)):
        tp = sum(1 for a, p in zip(actual, predicted) if a == c and p == c)
        pp = sum(1 for p in predicted if p == c)
        ap = sum(1 for a in actual if a == c)
        precision, recall = (tp / pp if pp else 0), tp / ap
        scores.append(0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    return sum(scores) / len(scores)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    train, test = read(os.path.join(args.data, "train.tsv")), read(os.path.join(args.data, "test.tsv"))
    labels = {}
    for label, _ in train:
        labels.setdefault(label, len(labels))
    ids = vocabulary([text for _, text in train])
    x_train, x_test = encode([t for _, t in train], ids), encode([t for _, t in test], ids)
    y_train = torch.tensor([labels[l] for l, _ in train])
    y_test = [labels[l] for l, _ in test]

    network = Network(len(ids) + 2, len(labels))
    optimizer = torch.optim.Adam(network.parameters(), lr=2e-3)
    epoch_seconds, epoch_cpu = [], []
    started, cpu = time.time(), time.process_time()
    for _ in range(args.epochs):
        start, start_cpu = time.time(), time.process_time()
        network.train()
        order = torch.randperm(len(train))
        for begin in range(0, len(order), 32):
            rows = order[begin:begin + 32]
            loss = torch.nn.functional.cross_entropy(network(x_train[rows]), y_train[rows])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 5)
            optimizer.step()
        epoch_seconds.append(time.time() - start)
        epoch_cpu.append(time.process_time() - start_cpu)
    fit_seconds, fit_cpu_seconds = time.time() - started, time.process_time() - cpu

    network.eval()
    start = time.time()
    with torch.no_grad():
        predicted = torch.cat([network(x_test[b:b + 256]).argmax(1) for b in range(0, len(test), 256)]).tolist()
    inference = time.time() - start
    accuracy = sum(1 for a, p in zip(y_test, predicted) if a == p) / len(y_test)
    blas = next((line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower()), "unknown")
    print("RESULT " + json.dumps({
        "name": "pytorch-lstm", "accuracy": accuracy, "macro_f1": macro_f1(y_test, predicted), "fit_seconds": fit_seconds,
        "fit_cpu_seconds": fit_cpu_seconds, "epoch_seconds": epoch_seconds,
        "epoch_cpu_seconds_from_2": epoch_cpu[1:], "inference_rows_per_second": len(test) / inference, "test_rows": len(test),
        "seed": args.seed, "threads": args.threads, "epochs": args.epochs, "torch": torch.__version__, "blas": blas}), flush=True)


if __name__ == "__main__":
    main()
