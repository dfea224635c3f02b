// Licensed under the MIT license. See LICENSE in the repository root.
// Usage: DeepOpt.ModelLoadCheck <model.zip> <scores.txt> [<text.tsv>]
// Loads a pipeline saved with ml.Model.SaveDeepOpt, scores the embedded digits (or the Text and Label columns of the
// tab-separated file), and writes each row's scores.
// Usage: DeepOpt.ModelLoadCheck memory <model.zip> predict|train
// Predicts with the loaded model (or trains a small one), then frees a burst of native memory (see MemoryBurst) and
// prints the native settings DeepOpt applied and the resident sizes.
// Usage: DeepOpt.ModelLoadCheck race <model.zip> <rounds>
// Disposes the loaded digits model while threads predict with it (see DisposeRace); exits 0 when every thread got the
// model's ObjectDisposedException.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args[0] == "memory")
{
    return MemoryBurst.Run(args[1], args[2]);
}

if (args[0] == "race")
{
    return DisposeRace.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
}

var ml = new MLContext(seed: 7);
var model = ml.Model.LoadDeepOpt(args[0], out var schema);
var data = args.Length > 2
    ? ml.Data.LoadFromTextFile(args[2], new[] { new TextLoader.Column("Text", DataKind.String, 0), new TextLoader.Column("Label", DataKind.Single, 1) }, separatorChar: '\t')
    : ml.Data.LoadFromEnumerable(Digits.Load(), SchemaDefinition.Create(typeof(DigitImage)));
File.WriteAllLines(args[1], ScoreLines.Of(model.Transform(data)));
return 0;
