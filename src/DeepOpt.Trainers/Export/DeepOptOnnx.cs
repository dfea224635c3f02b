// Licensed under the MIT license. See LICENSE in the repository root.

using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Trainers;

/// <summary>ONNX export of DeepOpt models, on ML.NET's model catalog (<c>ml.Model</c>).</summary>
public static class DeepOptOnnx
{
    /// <summary>
    /// Writes the network of a fitted DeepOpt model to an ONNX file (opset 21) that ONNX Runtime or any ONNX runtime
    /// runs without TorchSharp.
    /// </summary>
    /// <remarks>
    /// The graph has one input, named after the model's feature column: a batch of rows of the floats the network reads
    /// (the feature vector; pixels channel-first and 0–255 for an image column, before <c>PixelScale</c>, which the graph
    /// applies; token ids for a text or key column, 0 for padding). Its outputs are named as DeepOpt's columns:
    /// <c>Score</c> (class probabilities, a binary logit or a regression value per row) and, for a binary classifier,
    /// <c>Probability</c>. Dropout is left out and batch norm reads its running statistics, as in prediction. The
    /// model's metadata holds <c>deepopt.task</c>, <c>deepopt.feature_column</c> and, for a multiclass model whose label
    /// was a key with values, <c>deepopt.labels</c> (the labels as a JSON array of strings, in Score's order) and
    /// <c>deepopt.label_kind</c> (<c>Text</c>, or <c>Single</c> for numbers).
    /// </remarks>
    /// <param name="catalog">The model operations catalog (<c>ml.Model</c>).</param>
    /// <param name="model">A DeepOpt model, or a fitted pipeline that contains exactly one.</param>
    /// <param name="stream">Where the ONNX model is written.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> holds no DeepOpt model, or more than one.</exception>
    /// <exception cref="ObjectDisposedException">The DeepOpt model was disposed.</exception>
    public static void ConvertToOnnx(this ModelOperationsCatalog catalog, ITransformer model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        if (EnsembleIn(model) is { } ensemble)
        {
            var members = EnsembleNetworks(ensemble);
            var leases = members.Select(m => m.Lease("be exported to ONNX")).ToList();
            try
            {
                OnnxNetworks.Export(members).WriteTo(stream);
            }
            finally
            {
                leases.ForEach(l => l.Dispose());
            }

            return;
        }

        var deep = Single(model);
        using var lease = deep.Lease("be exported to ONNX");
        OnnxNetworks.Export(deep).WriteTo(stream);
    }

    /// <summary>Writes the network of a fitted DeepOpt model to an ONNX file at <paramref name="filePath"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>ml.Model</c>).</param>
    /// <param name="model">A DeepOpt model, or a fitted pipeline that contains exactly one.</param>
    /// <param name="filePath">The file to write (replaced if it exists).</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> holds no DeepOpt model, or more than one.</exception>
    /// <exception cref="ObjectDisposedException">The DeepOpt model was disposed.</exception>
    public static void ConvertToOnnx(this ModelOperationsCatalog catalog, ITransformer model, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        // Checked before the file is created, so a wrong model leaves no empty file.
        ITransformer exported = EnsembleIn(model) is { } ensemble ? Checked(ensemble) : Single(model);
        using var stream = File.Create(filePath);
        catalog.ConvertToOnnx(exported, stream);
    }

    /// <summary>
    /// Turns a fitted pipeline that holds one DeepOpt model into a pipeline of ML.NET's own transformers, which plain
    /// <c>ml.Model.Save</c> and <c>ml.Model.Load</c> handle and which runs without DeepOpt and TorchSharp (only
    /// Microsoft.ML, Microsoft.ML.OnnxTransformer and, for image models, Microsoft.ML.ImageAnalytics).
    /// </summary>
    /// <remarks>
    /// The result keeps the transformers before and after the DeepOpt model. In the DeepOpt model's place: for a text
    /// column, NormalizeText, TokenizeIntoWords and MapValueToKey with the fitted vocabulary; for an image column,
    /// ExtractPixels; the network through <c>ApplyOnnxModel</c>; and ML.NET's own scorer of the task, which adds
    /// <c>Score</c>, <c>PredictedLabel</c> and (binary) <c>Probability</c> with the types and annotations ML.NET's
    /// evaluators and <c>PredictionEngine</c> expect. Scores equal the DeepOpt model's to within float rounding. Use
    /// <c>SaveDeepOpt</c> to keep training, fine-tune or read the history; use this to deploy.
    /// </remarks>
    /// <param name="catalog">The model operations catalog (<c>ml.Model</c>).</param>
    /// <param name="model">A DeepOpt model, or a fitted pipeline that contains exactly one.</param>
    /// <param name="inputData">Data of the pipeline's input schema, as for ML.NET's <c>ConvertToOnnx</c>; only its schema is used.</param>
    /// <returns>The pipeline; save it with <c>ml.Model.Save(pipeline, inputData.Schema, path)</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> holds no DeepOpt model or more than one, or an
    /// image column has no fixed size.</exception>
    /// <exception cref="ObjectDisposedException">The DeepOpt model was disposed.</exception>
    public static TransformerChain<ITransformer> ConvertToOnnxPipeline(this ModelOperationsCatalog catalog, ITransformer model, IDataView inputData)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(inputData);
        using var lease = Single(model).Lease("be exported to an ML.NET pipeline");
        return OnnxPipeline.Build(model, inputData);
    }

    /// <summary>The one DeepOpt model in <paramref name="model"/>.</summary>
    internal static DeepPredictionTransformer Single(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (EnsembleIn(model) != null)
        {
            throw new ArgumentException("The model is an ensemble, which has no ML.NET pipeline form. Export it with ml.Model.ConvertToOnnx, which writes one graph that averages its networks.", nameof(model));
        }

        var found = DeepOptModelOperations.Flatten(model).OfType<DeepPredictionTransformer>().ToList();
        return found.Count == 1
            ? found[0]
            : throw new ArgumentException($"The model holds {found.Count} DeepOpt models; ONNX export takes a model or pipeline with exactly one. Export each DeepPredictionTransformer on its own.", nameof(model));
    }

    /// <summary>The ensemble that is <paramref name="model"/> or one of its transformers, or null.</summary>
    private static EnsembleTransformer? EnsembleIn(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ensembles = DeepOptModelOperations.Flatten(model).OfType<EnsembleTransformer>().ToList();
        return ensembles.Count <= 1
            ? ensembles.FirstOrDefault()
            : throw new ArgumentException($"The model holds {ensembles.Count} ensembles; ONNX export takes a pipeline with one. Export each ensemble on its own.", nameof(model));
    }

    private static EnsembleTransformer Checked(EnsembleTransformer ensemble)
    {
        EnsembleNetworks(ensemble);
        return ensemble;
    }

    /// <summary>The DeepOpt network of each member, which must all read the same features alike.</summary>
    private static List<DeepPredictionTransformer> EnsembleNetworks(EnsembleTransformer ensemble)
    {
        ensemble.ThrowIfDisposed("be exported to ONNX");
        var networks = new List<DeepPredictionTransformer>();
        for (int i = 0; i < ensemble.Members.Count; i++)
        {
            var found = DeepOptModelOperations.Flatten(ensemble.Members[i]).OfType<DeepPredictionTransformer>().ToList();
            if (found.Count != 1)
            {
                throw new ArgumentException($"Ensemble member {i} holds {found.Count} DeepOpt models; an ensemble exports to ONNX when each member holds exactly one.", "model");
            }

            var features = found[0].Description.Features;
            if (networks.Count > 0 && features != networks[0].Description.Features)
            {
                throw new ArgumentException($"Ensemble member {i}'s network reads '{features.ColumnName}' otherwise than member 0's (another column, size, image shape or vocabulary): one ONNX graph has one input, so every member's network must read the same features alike. Export each member with ConvertToOnnx, or save the ensemble with SaveDeepOpt.", "model");
            }

            networks.Add(found[0]);
        }

        return networks;
    }
}
