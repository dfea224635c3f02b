// Licensed under the MIT license. See LICENSE in the repository root.
// Usage: DeepOpt.PlainMlNetCheck <pipeline.zip> <data.idv> <task> <scored.idv>
// Loads a pipeline saved with plain ml.Model.Save, in a process that has neither DeepOpt nor TorchSharp, scores the
// rows of a binary IDataView file, writes the Score, PredictedLabel and Probability columns it finds to another, and
// prints the task's metric from ML.NET's own Evaluate on the Label column (task: MulticlassClassification,
// BinaryClassification or Regression).

using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 1);
var pipeline = ml.Model.Load(args[0], out var inputSchema);
var data = ml.Data.LoadFromBinary(args[1]);
var scored = pipeline.Transform(data);

string metric = args[2] switch
{
    "MulticlassClassification" => Format(ml.MulticlassClassification.Evaluate(scored).MicroAccuracy),
    "BinaryClassification" => Format(ml.BinaryClassification.Evaluate(scored).Accuracy),
    _ => Format(ml.Regression.Evaluate(scored).RootMeanSquaredError),
};
Console.WriteLine($"metric {metric}");

var outputs = new[] { "Score", "PredictedLabel", "Probability" }.Where(c => scored.Schema.GetColumnOrNull(c) != null).ToArray();
using (var file = File.Create(args[3]))
{
    ml.Data.SaveAsBinary(ml.Transforms.SelectColumns(outputs).Fit(scored).Transform(scored), file, keepHidden: false);
}

string? torch = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).FirstOrDefault(n => n is not null && (n.StartsWith("DeepOpt.Trainers", StringComparison.Ordinal) || n.StartsWith("TorchSharp", StringComparison.Ordinal)));
if (torch != null)
{
    Console.Error.WriteLine($"The plain ML.NET process loaded {torch}.");
    return 3;
}

return 0;

static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
