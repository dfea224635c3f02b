// Licensed under the MIT license. See LICENSE in the repository root.
// Usage: DeepOpt.ModelLoadCheck <model.zip> <scores.txt> [<text.tsv>]
// Loads a pipeline saved with ml.Model.SaveDeepOpt, scores the embedded digits (or the Text and Label columns of the
// tab-separated file), and writes each row's scores.

using DeepOpt.Examples;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 7);
var model = ml.Model.LoadDeepOpt(args[0], out var schema);
var data = args.Length > 2
    ? ml.Data.LoadFromTextFile(args[2], new[] { new TextLoader.Column("Text", DataKind.String, 0), new TextLoader.Column("Label", DataKind.Single, 1) }, separatorChar: '\t')
    : ml.Data.LoadFromEnumerable(Digits.Load(), SchemaDefinition.Create(typeof(DigitImage)));
File.WriteAllLines(args[1], ScoreLines.Of(model.Transform(data)));
