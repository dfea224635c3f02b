// Licensed under the MIT license. See LICENSE in the repository root.

using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Text;

namespace DeepOpt.Trainers;

/// <summary>
/// Turns a fitted pipeline with one DeepOpt model into a pipeline of ML.NET's own transformers: the transformers
/// before the DeepOpt model; ML.NET's transforms for what DeepOpt did inside (text to tokens and the vocabulary's keys,
/// images to pixels); the network through <c>ApplyOnnxModel</c>; ML.NET's scorers for the task (see
/// <see cref="MlNetScorers"/>); and the transformers after the DeepOpt model. The columns only the pipeline needed are
/// dropped, so the output schema is the DeepOpt pipeline's.
/// </summary>
internal static class OnnxPipeline
{
    private static readonly Lazy<char[]> s_separators = new(() =>
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => !char.IsLetterOrDigit(c)).ToArray());

    /// <summary>
    /// Every UTF-16 unit that is not a letter or digit: DeepOpt's tokenizer splits text at each of them, so ML.NET's
    /// TokenizeIntoWords splits there too.
    /// </summary>
    public static char[] Separators => s_separators.Value;

    public static TransformerChain<ITransformer> Build(ITransformer model, IDataView inputData)
    {
        var deep = DeepOptOnnx.Single(model);
        var all = DeepOptModelOperations.Flatten(model).ToList();
        int at = all.IndexOf(deep);
        var ml = new MLContext(seed: 0);
        var parts = new List<ITransformer>();
        var temporaries = new List<string>();
        var view = ml.Data.TakeRows(inputData, 1); // fitting reads the schema only; ML.NET refuses to take no rows

        void Add(ITransformer transformer)
        {
            parts.Add(transformer);
            view = transformer.Transform(view);
        }

        string Temporary(string name)
        {
            string column = $"DeepOpt.{name}";
            for (int i = 1; view.Schema.GetColumnOrNull(column) != null; i++)
            {
                column = $"DeepOpt.{name}.{i}";
            }

            temporaries.Add(column);
            return column;
        }

        all.Take(at).ToList().ForEach(Add);
        var description = deep.Description;
        description.Features.Check(view.Schema);
        string input = description.Features.ColumnName;
        foreach (var estimator in FeatureTransforms(ml, description.Features, view.Schema, Temporary, ref input))
        {
            Add(estimator.Fit(view));
        }

        string network = Temporary("Network");
        var onnx = new MemoryStream();
        OnnxNetworks.Export(deep, (input, network)).WriteTo(onnx);
        onnx.Position = 0;
        Add(ml.Transforms.ApplyOnnxModel([network], [input], onnx).Fit(view));

        var scorers = description.Task switch
        {
            PredictionKind.MulticlassClassification => MlNetScorers.Multiclass(ml, view, network, description.Options.LabelColumnName, description.ClassCount, description.KeyValues),
            PredictionKind.BinaryClassification => MlNetScorers.Binary(ml, view, network),
            _ => MlNetScorers.Regression(ml, view, network),
        };
        scorers.ToList().ForEach(Add);
        Add(ml.Transforms.DropColumns(temporaries.ToArray()).Fit(view));
        all.Skip(at + 1).ToList().ForEach(Add);
        return new TransformerChain<ITransformer>(parts.ToArray());
    }

    /// <summary>
    /// ML.NET's transforms that give what the ONNX graph reads (see <see cref="OnnxPipelineInput"/>) from the feature
    /// column; <paramref name="input"/> becomes the column they write.
    /// </summary>
    private static List<IEstimator<ITransformer>> FeatureTransforms(MLContext ml, FeatureSpec features, DataViewSchema schema, Func<string, string> temporary, ref string input)
    {
        var estimators = new List<IEstimator<ITransformer>>();
        if (features.Tokens is { Source: TokenSource.Text, Vocabulary: { } vocabulary })
        {
            if (vocabulary.Tokenization != TokenizationKind.Words || vocabulary.WordNGramLength > 1)
            {
                throw new NotSupportedException($"Features column '{features.ColumnName}' is split into {vocabulary.Describe()} (`Tokenization`, `WordNGramLength`), and ML.NET has no ONNX-exportable transform that gives the same token sequence. Export with ml.Model.ConvertToOnnx, which reads token ids, or train on single words.");
            }

            if (vocabulary.Words.Count == 0)
            {
                throw new NotSupportedException($"The vocabulary of features column '{features.ColumnName}' is empty (the training text had no words), so there is nothing for ML.NET's MapValueToKey to map. Export with ml.Model.ConvertToOnnx instead.");
            }

            // DeepOpt lower-cases each UTF-16 unit with the invariant culture, as NormalizeText does, then splits.
            if (vocabulary.LowerCase)
            {
                string lower = temporary("Lower");
                estimators.Add(ml.Transforms.Text.NormalizeText(lower, input, TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: true, keepPunctuations: true, keepNumbers: true));
                input = lower;
            }

            string words = temporary("Words");
            estimators.Add(ml.Transforms.Text.TokenizeIntoWords(words, input, Separators));
            input = temporary("Tokens");
            var keyData = ml.Data.LoadFromEnumerable(vocabulary.Words.Select(w => new VocabularyWord { Word = w }));
            estimators.Add(ml.Transforms.Conversion.MapValueToKey(input, words, keyData: keyData));
        }
        else if (features.Tokens is { Source: TokenSource.Keys } && TokenColumn.IsKeyVector(schema[input].Type, out var key) && key.RawType != typeof(uint))
        {
            // The graph reads keys as UInt32; ML.NET's ConvertType gives a key column's raw values.
            string keys = temporary("Keys");
            estimators.Add(ml.Transforms.Conversion.ConvertType(keys, input, DataKind.UInt32));
            input = keys;
        }
        else if (features.Image is { } image)
        {
            if (schema[input].Type is not ImageDataViewType { Height: > 0, Width: > 0 })
            {
                throw new ArgumentException($"Features column '{input}' holds images of no fixed size, and ML.NET's ExtractPixels needs one. Put ml.Transforms.ResizeImages(\"{input}\", {image.Width}, {image.Height}) before the trainer, as scoring needs {image.Height}×{image.Width} images anyway.", nameof(schema));
            }

            // Red, green and blue planes of 0–255 floats, as DeepOpt reads an image before any grey conversion.
            string pixels = temporary("Pixels");
            estimators.Add(ml.Transforms.ExtractPixels(pixels, input, ImagePixelExtractingEstimator.ColorBits.Rgb, ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavePixelColors: false, offsetImage: 0, scaleImage: 1, outputAsFloatArray: true));
            input = pixels;
        }

        return estimators;
    }

    /// <summary>A row of MapValueToKey's key data: the words, in the vocabulary's order (key k is word k − 1).</summary>
    private sealed class VocabularyWord
    {
        public string Word { get; set; } = "";
    }
}
