// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Compression;
using System.Text.Json;
using DeepOpt.Trainers;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

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
    private const string EnsembleEntry = "ensemble.json";

    /// <summary>Saves a fitted pipeline (any mix of ML.NET and DeepOpt transformers) to a file.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <param name="filePath">The file to write.</param>
    /// <exception cref="ObjectDisposedException">A DeepOpt model in the pipeline was disposed; nothing is written.</exception>
    public static void SaveDeepOpt(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckNotDisposed(model);
        try
        {
            using var file = File.Create(filePath);
            SaveDeepOpt(catalog, model, inputSchema, file);
        }
        catch (ObjectDisposedException)
        {
            // Disposed by another thread while saving: leave no half-written model behind.
            File.Delete(filePath);
            throw;
        }
    }

    /// <summary>Saves a fitted pipeline (any mix of ML.NET and DeepOpt transformers) to a stream.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <param name="stream">The stream to write; it stays open.</param>
    /// <exception cref="ObjectDisposedException">A DeepOpt model in the pipeline was disposed; nothing is written.</exception>
    public static void SaveDeepOpt(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        CheckNotDisposed(model);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteMlNet(zip, InputSchemaEntry, catalog, new TransformerChain<ITransformer>(), inputSchema);
        var parts = new List<string>();
        var schema = inputSchema;
        var segment = new List<ITransformer>();
        var segmentSchema = schema;
        foreach (var transformer in Flatten(model))
        {
            if (transformer is DeepPredictionTransformer or EnsembleTransformer)
            {
                FlushSegment(zip, catalog, parts, segment, segmentSchema);
                string name = $"part{parts.Count}";
                if (transformer is EnsembleTransformer ensemble)
                {
                    WriteEnsemble(zip, name, catalog, ensemble, schema);
                }
                else
                {
                    WriteDeepOpt(zip, name, (DeepPredictionTransformer)transformer);
                }

                parts.Add(name);
                schema = transformer.GetOutputSchema(schema);
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
    /// <exception cref="InvalidDataException">The file is not a DeepOpt model, was truncated or corrupted, or its
    /// description or weights were edited; the message names the file, the cause and the fix.</exception>
    public static ITransformer LoadDeepOpt(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        using var file = File.OpenRead(filePath);
        return Load(catalog, file, $"The model file '{filePath}'", out inputSchema);
    }

    /// <summary>Loads a pipeline saved by <see cref="SaveDeepOpt(ModelOperationsCatalog, ITransformer, DataViewSchema, Stream)"/>.</summary>
    /// <param name="catalog">ml.Model.</param>
    /// <param name="stream">The stream to read.</param>
    /// <param name="inputSchema">The schema of the data the pipeline reads.</param>
    /// <returns>The pipeline, as one flat transformer chain.</returns>
    /// <exception cref="InvalidDataException">The stream is not a DeepOpt model, was truncated or corrupted, or its
    /// description or weights were edited; the message names the cause and the fix.</exception>
    public static ITransformer LoadDeepOpt(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return Load(catalog, stream, stream is FileStream file ? $"The model file '{file.Name}'" : "The model stream", out inputSchema);
    }

    private static ITransformer Load(ModelOperationsCatalog catalog, Stream stream, string source, out DataViewSchema inputSchema)
    {
        using var zip = OpenZip(stream, source);
        _ = zip.GetEntry(Manifest)
            ?? throw ModelFileErrors.NotAModel(source, $"it is a zip archive without '{Manifest}'");
        List<string> parts;
        try
        {
            parts = JsonSerializer.Deserialize<List<string>>(ReadEntry(zip, Manifest, source)) ?? throw new JsonException("the manifest is null");
        }
        catch (JsonException e)
        {
            throw ModelFileErrors.Damaged(source, $"'{Manifest}' is not a list of parts: {e.Message}", e);
        }

        ReadMlNet(zip, InputSchemaEntry, catalog, source, out inputSchema);
        var transformers = new List<ITransformer>();
        try
        {
            foreach (var part in parts)
            {
                if (zip.GetEntry($"{part}.zip") != null)
                {
                    transformers.AddRange(Flatten(ReadMlNet(zip, $"{part}.zip", catalog, source, out _)));
                }
                else if (zip.GetEntry($"{part}/{EnsembleEntry}") != null)
                {
                    transformers.Add(ReadEnsemble(zip, part, catalog, source));
                }
                else
                {
                    transformers.Add(ReadDeepOpt(zip, part, source));
                }
            }
        }
        catch
        {
            // The networks already built hold native memory that nobody else can free.
            foreach (var built in transformers.OfType<IDisposable>())
            {
                built.Dispose();
            }

            throw;
        }

        return new TransformerChain<ITransformer>(transformers.ToArray());
    }

    private static ZipArchive OpenZip(Stream stream, string source)
    {
        long start = stream.CanSeek ? stream.Position : 0;
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            // A zip starts with a local header ("PK\x03\x04") and ends with its directory: a file that starts like
            // a zip but has no directory lost its end.
            if (stream.CanSeek)
            {
                stream.Position = start;
                var head = new byte[4];
                if (stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.AsSpan().SequenceEqual("PK\x03\x04"u8))
                {
                    throw ModelFileErrors.Damaged(source, "the zip archive's directory at its end is missing", e);
                }
            }

            throw ModelFileErrors.NotAModel(source, "it is not a zip archive", e);
        }
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string source)
    {
        var entry = zip.GetEntry(name) ?? throw ModelFileErrors.Damaged(source, $"it lacks '{name}'");
        try
        {
            using var buffer = new MemoryStream();
            using (var content = entry.Open())
            {
                content.CopyTo(buffer);
            }

            return buffer.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw ModelFileErrors.Damaged(source, $"'{name}' cannot be read: {e.Message}", e);
        }
    }

    private static void CheckNotDisposed(ITransformer model)
    {
        foreach (var transformer in Flatten(model))
        {
            if (transformer is DeepPredictionTransformer { IsDisposed: true } deep)
            {
                throw deep.Disposed("be saved");
            }

            if (transformer is EnsembleTransformer ensemble)
            {
                ensemble.ThrowIfDisposed("be saved");
                foreach (var member in ensemble.Members)
                {
                    CheckNotDisposed(member);
                }
            }
        }
    }

    /// <summary>Writes each member of an ensemble as a whole DeepOpt model file of its own, inside this one.</summary>
    private static void WriteEnsemble(ZipArchive zip, string name, ModelOperationsCatalog catalog, EnsembleTransformer ensemble, DataViewSchema schema)
    {
        using (var writer = new StreamWriter(zip.CreateEntry($"{name}/{EnsembleEntry}").Open()))
        {
            writer.Write(JsonSerializer.Serialize(new EnsembleManifest(ensemble.Members.Count)));
        }

        for (int i = 0; i < ensemble.Members.Count; i++)
        {
            using var buffer = new MemoryStream();
            SaveDeepOpt(catalog, ensemble.Members[i], schema, buffer);
            using var target = zip.CreateEntry($"{name}/member{i}.zip").Open();
            target.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    private static EnsembleTransformer ReadEnsemble(ZipArchive zip, string name, ModelOperationsCatalog catalog, string source)
    {
        string manifestEntry = $"{name}/{EnsembleEntry}";
        EnsembleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<EnsembleManifest>(ReadEntry(zip, manifestEntry, source)) ?? throw new JsonException("it is null");
        }
        catch (JsonException e)
        {
            throw ModelFileErrors.Damaged(source, $"'{manifestEntry}' is not an ensemble's manifest: {e.Message}", e);
        }

        if (manifest.Members < 1)
        {
            throw ModelFileErrors.Damaged(source, $"'{manifestEntry}' gives {manifest.Members} members");
        }

        var members = new List<ITransformer>();
        DataViewSchema? inputSchema = null;
        try
        {
            for (int i = 0; i < manifest.Members; i++)
            {
                using var member = new MemoryStream(ReadEntry(zip, $"{name}/member{i}.zip", source));
                members.Add(Load(catalog, member, $"{source} (ensemble member {i})", out var memberSchema));
                inputSchema ??= memberSchema;
            }

            return new EnsembleTransformer(members, inputSchema!);
        }
        catch
        {
            foreach (var built in members.OfType<IDisposable>())
            {
                built.Dispose();
            }

            throw;
        }
    }

    /// <summary>What an ensemble's part of a model file holds besides its members' files.</summary>
    private sealed record EnsembleManifest(int Members);

    internal static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
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

    private static ITransformer ReadMlNet(ZipArchive zip, string entry, ModelOperationsCatalog catalog, string source, out DataViewSchema schema)
    {
        using var buffer = new MemoryStream(ReadEntry(zip, entry, source));
        try
        {
            return catalog.Load(buffer, out schema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw ModelFileErrors.Damaged(source, $"ML.NET cannot load its part '{entry}': {e.Message}", e);
        }
    }

    private static void WriteDeepOpt(ZipArchive zip, string name, DeepPredictionTransformer transformer)
    {
        // The lease keeps another thread from freeing the network halfway through, and refuses a disposed one.
        using var lease = transformer.Lease("be saved");
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

    private static DeepPredictionTransformer ReadDeepOpt(ZipArchive zip, string name, string source)
    {
        string descriptionEntry = $"{name}/description.json";
        string weightsEntry = $"{name}/weights.bin";
        var description = ReadDescription(ReadEntry(zip, descriptionEntry, source), descriptionEntry, source);
        var weights = ReadEntry(zip, weightsEntry, source);
        List<(string Name, long[] Shape)> saved;
        try
        {
            saved = SavedWeights.Read(weights);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException)
        {
            throw ModelFileErrors.Damaged(source, $"'{weightsEntry}' holds no TorchSharp weights: {e.Message}", e);
        }

        int width = description.Task == PredictionKind.MulticlassClassification ? description.ClassCount : 1;
        nn.Module<Tensor, Tensor> network;
        try
        {
            network = NetworkDesign.Of(description.Options).Build(description.Features.Size, width);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw ModelFileErrors.BadDescription(source, descriptionEntry, $"its network cannot be built: {e.Message}", e);
        }

        try
        {
            if (SavedWeights.Difference(network, saved) is { } difference)
            {
                throw ModelFileErrors.WeightsMismatch(source, weightsEntry, difference);
            }

            using (var stream = new MemoryStream(weights))
            {
                network.load(stream);
            }

            var device = Devices.Resolve(description.Options.Device);
            network.to(device);
            return new DeepPredictionTransformer(description, network, device);
        }
        catch (Exception e)
        {
            network.Dispose();
            if (e is InvalidDataException)
            {
                throw;
            }

            throw ModelFileErrors.WeightsMismatch(source, weightsEntry, e.Message, e);
        }
    }

    private static ModelDescription ReadDescription(byte[] json, string entry, string source)
    {
        ModelDescription? description;
        try
        {
            description = JsonSerializer.Deserialize<ModelDescription>(json, ModelDescription.Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw ModelFileErrors.BadDescription(source, entry, $"it is not valid: {e.Message}", e);
        }

        if (description?.Options == null || description.Features == null || description.History == null)
        {
            throw ModelFileErrors.BadDescription(source, entry, "it lacks the task, the features or the options");
        }

        bool multiclass = description.Task == PredictionKind.MulticlassClassification;
        if ((multiclass && description.ClassCount < 2) || description.ClassCount < 0 || description.Features.Size < 1)
        {
            throw ModelFileErrors.BadDescription(source, entry, $"it gives {description.ClassCount} classes and {description.Features.Size} features");
        }

        return description;
    }
}
