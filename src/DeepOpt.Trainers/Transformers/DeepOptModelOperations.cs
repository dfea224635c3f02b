// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Compression;
using System.Text.Json;
using DeepOpt.Trainers;
using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML;

/// <summary>
/// Saves and loads whole pipelines that contain DeepOpt models, in one file. ML.NET 5.0.1 keeps the loader
/// registration of third-party transformers internal, so <c>ml.Model.Save</c> cannot store them; these methods store
/// the pipeline's ML.NET parts in ML.NET's own format and the DeepOpt parts beside them, in one zip file.
/// </summary>
public static class DeepOptModelOperations
{
    private const string Manifest = "deepopt-manifest.json";
    private const string InputSchemaEntry = "input-schema.zip";

    /// <summary>Saves a fitted pipeline (any mix of ML.NET and DeepOpt transformers) to a file.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <param name="filePath">The file to write.</param>
    public static void SaveDeepOpt(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        using var file = File.Create(filePath);
        SaveDeepOpt(catalog, model, inputSchema, file);
    }

    /// <summary>Saves a fitted pipeline (any mix of ML.NET and DeepOpt transformers) to a stream.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <param name="stream">The stream to write; it stays open.</param>
    public static void SaveDeepOpt(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteMlNet(zip, InputSchemaEntry, catalog, new TransformerChain<ITransformer>(), inputSchema);
        var parts = new List<string>();
        var schema = inputSchema;
        var segment = new List<ITransformer>();
        var segmentSchema = schema;
        foreach (var transformer in Flatten(model))
        {
            if (transformer is DeepPredictionTransformer deep)
            {
                FlushSegment(zip, catalog, parts, segment, segmentSchema);
                string name = $"part{parts.Count}";
                WriteDeepOpt(zip, name, deep);
                parts.Add(name);
                schema = deep.GetOutputSchema(schema);
                segmentSchema = schema;
            }
            else
            {
                segment.Add(transformer);
                schema = transformer.GetOutputSchema(schema);
            }
        }

        FlushSegment(zip, catalog, parts, segment, segmentSchema);
        using var writer = new StreamWriter(zip.CreateEntry(Manifest).Open());
        writer.Write(JsonSerializer.Serialize(parts));
    }

    /// <summary>Loads a pipeline saved by <see cref="SaveDeepOpt(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/>.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="filePath">The file to read.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <returns>The pipeline, as one flat transformer chain.</returns>
    public static ITransformer LoadDeepOpt(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        using var file = File.OpenRead(filePath);
        return LoadDeepOpt(catalog, file, out inputSchema);
    }

    /// <summary>Loads a pipeline saved by <see cref="SaveDeepOpt(ModelOperationsCatalog, ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="stream">The stream to read.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <returns>The pipeline, as one flat transformer chain.</returns>
    public static ITransformer LoadDeepOpt(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var manifest = zip.GetEntry(Manifest)
            ?? throw new InvalidDataException("This file is not a DeepOpt model: it has no manifest. Save models with ml.Model.SaveDeepOpt, or load ML.NET's own files with ml.Model.Load.");
        List<string> parts;
        using (var reader = new StreamReader(manifest.Open()))
        {
            parts = JsonSerializer.Deserialize<List<string>>(reader.ReadToEnd()) ?? new List<string>();
        }

        ReadMlNet(zip, InputSchemaEntry, catalog, out inputSchema);
        var transformers = new List<ITransformer>();
        foreach (var part in parts)
        {
            if (zip.GetEntry($"{part}.zip") != null)
            {
                transformers.AddRange(Flatten(ReadMlNet(zip, $"{part}.zip", catalog, out _)));
            }
            else
            {
                transformers.Add(ReadDeepOpt(zip, part));
            }
        }

        return new TransformerChain<ITransformer>(transformers.ToArray());
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { transformer };

    private static void FlushSegment(ZipArchive zip, ModelOperationsCatalog catalog, List<string> parts, List<ITransformer> segment, DataViewSchema schema)
    {
        if (segment.Count == 0)
        {
            return;
        }

        string name = $"part{parts.Count}";
        WriteMlNet(zip, $"{name}.zip", catalog, new TransformerChain<ITransformer>(segment.ToArray()), schema);
        parts.Add(name);
        segment.Clear();
    }

    private static void WriteMlNet(ZipArchive zip, string entry, ModelOperationsCatalog catalog, ITransformer model, DataViewSchema schema)
    {
        using var buffer = new MemoryStream();
        catalog.Save(model, schema, buffer);
        using var target = zip.CreateEntry(entry).Open();
        buffer.Position = 0;
        buffer.CopyTo(target);
    }

    private static ITransformer ReadMlNet(ZipArchive zip, string entry, ModelOperationsCatalog catalog, out DataViewSchema schema)
    {
        using var buffer = new MemoryStream();
        using (var source = (zip.GetEntry(entry) ?? throw new InvalidDataException($"The DeepOpt model file lacks '{entry}'; it is damaged.")).Open())
        {
            source.CopyTo(buffer);
        }

        buffer.Position = 0;
        return catalog.Load(buffer, out schema);
    }

    private static void WriteDeepOpt(ZipArchive zip, string name, DeepPredictionTransformer transformer)
    {
        using (var writer = new StreamWriter(zip.CreateEntry($"{name}/description.json").Open()))
        {
            writer.Write(JsonSerializer.Serialize(transformer.Description, ModelDescription.Json));
        }

        // Module.save closes the stream it writes; a closed MemoryStream still hands out its bytes.
        var weights = new MemoryStream();
        transformer.Network.save(weights);
        using var target = zip.CreateEntry($"{name}/weights.bin").Open();
        target.Write(weights.ToArray());
    }

    private static DeepPredictionTransformer ReadDeepOpt(ZipArchive zip, string name)
    {
        ModelDescription description;
        using (var reader = new StreamReader(Entry(zip, $"{name}/description.json").Open()))
        {
            description = JsonSerializer.Deserialize<ModelDescription>(reader.ReadToEnd(), ModelDescription.Json)
                ?? throw new InvalidDataException($"The DeepOpt model file has an empty '{name}/description.json'; it is damaged.");
        }

        using var weights = new MemoryStream();
        using (var source = Entry(zip, $"{name}/weights.bin").Open())
        {
            source.CopyTo(weights);
        }

        weights.Position = 0;
        int width = description.Task == PredictionKind.MulticlassClassification ? description.ClassCount : 1;
        var network = description.Options.BuildNetwork(description.Features.Size, width);
        network.load(weights);
        var device = Devices.Resolve(description.Options.Device);
        network.to(device);
        return new DeepPredictionTransformer(description, network, device);
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"The DeepOpt model file lacks '{name}'; it is damaged.");
}
