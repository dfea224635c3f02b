#!/usr/bin/env bash
# The serving benchmark of issue 17: examples/Serving under 1, 4 and 16 concurrent clients, on the DeepOpt route (.zip)
# and the ONNX Runtime route (.onnx), with a hot swap on each (see ServingBench/Program.cs).
# Usage: bash bench/serving/run.sh [--requests N] [--clients 1,4,16] [--rounds N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
echo "Building examples/Serving and the bench (Release)..." >&2
dotnet build -c Release "$root/examples/Serving/Serving.csproj" -v quiet -nologo >&2
dotnet build -c Release "$here/ServingBench/ServingBench.csproj" -v quiet -nologo >&2
dotnet "$here/ServingBench/bin/Release/net10.0/ServingBench.dll" --server "$root/examples/Serving/bin/Release/net10.0/Serving.dll" "$@"
