#!/usr/bin/env bash
# The transfer-learning bench of issue 19: the five target classes of Fashion-MNIST (Debian's dataset-fashion-mnist)
# learnt from 100 and from 1,000 labelled images, tested on their 5,000 test images, by five routes: the seed CNN from
# scratch, the best CNN of a short sweep, a CNN pretrained on the other five classes and fine-tuned, ML.NET's ImageNet
# ResNet-18 features under an MLP head, and that ResNet-18 fine-tuned. The ratio that matters is within the run: every
# route meets the same data on the same machine. Nothing is downloaded.
# Usage: bash bench/transfer/run.sh [TransferBench options, e.g. --sizes 100,1000 --threads 2 --resize 64]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
    echo "Installing dataset-fashion-mnist..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

echo "Building the bench (Release)..." >&2
dotnet build -c Release "$here/TransferBench/TransferBench.csproj" -v quiet -nologo >&2
echo "Transfer bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
dotnet "$here/TransferBench/bin/Release/net10.0/TransferBench.dll" "$@"
echo "CPU pressure at the end (other tenants of this machine): $(head -1 /proc/pressure/cpu 2>/dev/null || echo unknown)"
