# Sourced by bench/text/run.sh and sweep.sh, with $here (bench/text) and $data set: prepares the corpus when the default
# folder lacks it, prints its hashes, builds the .NET side in Release and sets $dll to it.
[ -f "$data/train.tsv" ] || [ "$data" != "$here/data" ] || /usr/bin/python3 "$here/prepare_corpus.py"
echo "Corpus: $(sha256sum "$data/train.tsv" | cut -c1-16) (train) $(sha256sum "$data/test.tsv" | cut -c1-16) (test)" >&2
echo "Building the .NET side (Release)..." >&2
dotnet build -c Release "$here/TextBench/TextBench.csproj" -v quiet -nologo >&2
dll="$here/TextBench/bin/Release/net10.0/TextBench.dll"
