// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class LstmSaveLoadTests
{
    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}{extension}");

    [TestMethod]
    [DataRow(RecurrentCellKind.Lstm, false, TokenizationKind.Words)]
    [DataRow(RecurrentCellKind.Gru, true, TokenizationKind.Words)]
    [DataRow(RecurrentCellKind.Gru, false, TokenizationKind.Subwords)]
    public void LoadDeepOpt_TextPipelineInAFreshProcess_PredictsIdentically(RecurrentCellKind cell, bool bidirectional, TokenizationKind tokenization)
    {
        var ml = new MLContext(seed: 1);
        string textPath = TempFile(".tsv");
        string modelPath = TempFile(".zip");
        string scoresPath = TempFile(".txt");
        try
        {
            // Words of the test rows that training never saw exercise the saved vocabulary's out-of-vocabulary path, or
            // for sub-words, pieces training saw ("gammas", "betamax").
            var rows = WordOrder.Make(120, seed: 1).Concat(new[] { new TextRow { Text = "Zebra ALPHA, gamma beta!", Label = 0 }, new TextRow { Text = "gammas before the betamax", Label = 1 } });
            File.WriteAllLines(textPath, rows.Select(r => $"{r.Text}\t{r.Label.ToString(CultureInfo.InvariantCulture)}"));
            var data = ml.Data.LoadFromTextFile(textPath, new[] { new TextLoader.Column("Text", DataKind.String, 0), new TextLoader.Column("Label", DataKind.Single, 1) }, separatorChar: '\t');
            var options = new LstmOptions
            {
                FeatureColumnName = "Text", MaxSequenceLength = 10, EmbeddingSize = 8, HiddenSize = 8, Cell = cell, Bidirectional = bidirectional,
                Pooling = SequencePoolingKind.Mean, DenseUnits = 8, Dropout = 0.1, SpatialDropout = 0.1, MinFrequency = 2, Epochs = 2, Seed = 3,
                Tokenization = tokenization,
            };
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Lstm(options))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
                .Fit(data);
            ml.Model.SaveDeepOpt(model, data.Schema, modelPath);
            var expected = ScoreLines.Of(model.Transform(data)).ToList();

            FreshProcess.AssertSameScores(expected, FreshProcess.Score(modelPath, scoresPath, textPath));

            model.OfType<DeepPredictionTransformer>().Single().Dispose();
        }
        finally
        {
            File.Delete(textPath);
            File.Delete(modelPath);
            File.Delete(scoresPath);
        }
    }
}
