// Licensed under the MIT license. See LICENSE in the repository root.
// Trains DeepOpt's text network on a Debian package's English description to predict its section (games, science,
// net, ...), with per-epoch progress and the test metrics. The network is the one the text sweep of bench/text found
// best: a bag of word and bigram embeddings over the whole description, mean-pooled (fastText's classifier); pass
// --recurrent for the bidirectional LSTM of earlier releases. Prepare the corpus first: python3 bench/text/prepare_corpus.py
// Usage: dotnet run --project examples/TextClassification -- [--data DIR] [--epochs N] [--threads N] [--recurrent]

using System.Diagnostics;
using DeepOpt.Examples;
using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

var command = CommandLine.Parse(args, "[--data DIR] [--epochs N] [--threads N] [--recurrent]", new Dictionary<string, string?>
{
    ["--data"] = null, ["--epochs"] = "6", ["--threads"] = null,
}, "--recurrent");
if (command == null)
{
    return 2;
}

int epochs = command.Int("--epochs");
string folder;
try
{
    folder = DebianDescriptions.Locate(command.Text("--data"));
}
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

var ml = new MLContext(seed: 1);
var train = DebianDescriptions.Load(ml, folder, DebianDescriptions.TrainFile);
var test = DebianDescriptions.Load(ml, folder, DebianDescriptions.TestFile);
Console.WriteLine($"Debian package descriptions from {folder}: {train.GetColumn<string>("Label").Count()} training and {test.GetColumn<string>("Label").Count()} test rows.");

var options = command.Flag("--recurrent")
    ? new LstmOptions
    {
        FeatureColumnName = "Text", MaxSequenceLength = 96, MinFrequency = 2, EmbeddingSize = 64, HiddenSize = 64,
        Bidirectional = true, Pooling = SequencePoolingKind.Max, Dropout = 0.3, LearningRate = 2e-3, BatchSize = 32, GradientClipNorm = 5,
    }
    : new LstmOptions
    {
        FeatureColumnName = "Text", WordNGramLength = 2, MaxSequenceLength = 1024, MaxVocabularySize = 200000, MinFrequency = 2,
        EmbeddingSize = 64, RecurrentLayers = 0, Pooling = SequencePoolingKind.Mean, LearningRate = 5e-3, BatchSize = 32,
    };
options.Epochs = epochs;
options.ThreadCount = command.OptionalInt("--threads");
var watch = Stopwatch.StartNew();
var model = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Lstm(options, new DeepFitContext { Progress = new Progress() }))
    .Fit(train);
Console.WriteLine($"Trained in {watch.Elapsed.TotalSeconds:F0} s.");
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"Test accuracy {metrics.MicroAccuracy:P2}, macro accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F3} after {epochs} epochs.");
return 0;

/// <summary>Prints each epoch as it ends.</summary>
internal sealed class Progress : IProgress<EpochReport>
{
    public void Report(EpochReport r) =>
        Console.WriteLine($"epoch {r.Epoch,2}/{r.TotalEpochs}  train loss {r.TrainLoss:F4}  lr {r.LearningRate:G3}  {r.Seconds:F1} s");
}
