// Licensed under the MIT license. See LICENSE in the repository root.
// Usage: DeepOpt.ModelLoadCheck <model.zip> <scores.txt>
// Loads a pipeline saved with ml.Model.SaveDeepOpt, scores the embedded digits, and writes each row's scores.

using DeepOpt.Examples;
using Microsoft.ML;

var ml = new MLContext(seed: 7);
var model = ml.Model.LoadDeepOpt(args[0], out var schema);
var data = ml.Data.LoadFromEnumerable(Digits.Load(), Microsoft.ML.Data.SchemaDefinition.Create(typeof(DigitImage)));
File.WriteAllLines(args[1], ScoreLines.Of(model.Transform(data)));
