// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

[TestClass]
public sealed class DeepOptModelOperationsTests
{
    private const string Description = "part1/description.json";
    private const string Weights = "part1/weights.bin";

    [TestMethod]
    public void LoadDeepOpt_TruncatedFile_SaysTruncatedAndToSaveAgain()
    {
        var bytes = SavedModel(8);
        foreach (int length in new[] { bytes.Length / 2, bytes.Length - 10 })
        {
            var error = LoadFile(bytes[..length]);
            StringAssert.Contains(error.Message, "was truncated or corrupted");
            StringAssert.Contains(error.Message, "save the model again with ml.Model.SaveDeepOpt");
        }
    }

    [TestMethod]
    public void LoadDeepOpt_WeightsEntryCutShort_SaysTruncatedOrCorrupted()
    {
        var bytes = Edit(SavedModel(8), zip => Replace(zip, Weights, Truncate(Read(zip, Weights), 40)));
        var error = LoadFile(bytes);
        StringAssert.Contains(error.Message, "was truncated or corrupted");
        StringAssert.Contains(error.Message, Weights);
    }

    [TestMethod]
    public void LoadDeepOpt_BytesGarbledInside_SaysTruncatedOrCorrupted()
    {
        var bytes = SavedModel(8);
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }

        var error = LoadFile(bytes);
        StringAssert.Contains(error.Message, "was truncated or corrupted");
    }

    [TestMethod]
    public void LoadDeepOpt_TextFile_SaysItIsNotADeepOptModel()
    {
        var error = LoadFile("Label,Features\n1,0.5\n"u8.ToArray());
        StringAssert.Contains(error.Message, "is not a DeepOpt model file: it is not a zip archive");
        StringAssert.Contains(error.Message, "ml.Model.SaveDeepOpt");
    }

    [TestMethod]
    public void LoadDeepOpt_WeightsOfAnotherShape_NamesTheLayerAndBothShapes()
    {
        var small = SavedModel(8);
        var large = SavedModel(16);
        var bytes = Edit(small, zip => Replace(zip, Weights, Read(Open(large), Weights)));
        var error = LoadFile(bytes);
        StringAssert.Contains(error.Message, "do not match the network described");
        StringAssert.Contains(error.Message, "expects [8, 4], the file has [16, 4]");
        StringAssert.Contains(error.Message, "save the model again");
    }

    [TestMethod]
    public void LoadDeepOpt_DescriptionEditedToAnotherNetwork_NamesTheMismatch()
    {
        var bytes = Edit(SavedModel(8), zip =>
        {
            var json = JsonNode.Parse(Read(zip, Description))!;
            json["Options"]!["HiddenLayerSizes"] = new JsonArray(12);
            Replace(zip, Description, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        });
        var error = LoadFile(bytes);
        StringAssert.Contains(error.Message, "do not match the network described");
        StringAssert.Contains(error.Message, "expects [12, 4], the file has [8, 4]");
    }

    [TestMethod]
    public void LoadDeepOpt_DescriptionThatIsNotJson_SaysTheDescriptionWasEdited()
    {
        var bytes = Edit(SavedModel(8), zip => Replace(zip, Description, "{ \"Task\": \"Multiclass"u8.ToArray()));
        var error = LoadFile(bytes);
        StringAssert.Contains(error.Message, $"has a description '{Description}' that does not describe a DeepOpt model");
        StringAssert.Contains(error.Message, "save the model again");
    }

    [TestMethod]
    public void LoadDeepOpt_DescriptionWithAnImpossibleNetwork_SaysTheDescriptionWasEdited()
    {
        var bytes = Edit(SavedModel(8), zip =>
        {
            var json = JsonNode.Parse(Read(zip, Description))!;
            json["ClassCount"] = 0;
            Replace(zip, Description, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        });
        var error = LoadFile(bytes);
        StringAssert.Contains(error.Message, $"has a description '{Description}' that does not describe a DeepOpt model");
    }

    /// <summary>Loads the bytes as a model file and returns the error, which must name the file.</summary>
    private static InvalidDataException LoadFile(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepopt-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, bytes);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => new MLContext(seed: 1).Model.LoadDeepOpt(path, out _));
            Console.WriteLine(error.Message);
            StringAssert.Contains(error.Message, $"The model file '{path}'");
            return error;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A normalizer followed by an MLP with one hidden layer of <paramref name="hidden"/> units, saved.</summary>
    private static byte[] SavedModel(int hidden)
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.KeyedBlobs(ml, 40, 2, 1);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [hidden], Epochs = 1 }))
            .Fit(data);
        using (model.LastTransformer)
        {
            var stream = new MemoryStream();
            ml.Model.SaveDeepOpt(model, data.Schema, stream);
            return stream.ToArray();
        }
    }

    private static ZipArchive Open(byte[] bytes) => new(new MemoryStream(bytes), ZipArchiveMode.Read);

    private static byte[] Edit(byte[] bytes, Action<ZipArchive> edit)
    {
        var stream = new MemoryStream();
        stream.Write(bytes);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            edit(zip);
        }

        return stream.ToArray();
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        using var content = zip.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void Replace(ZipArchive zip, string name, byte[] content)
    {
        zip.GetEntry(name)!.Delete();
        using var target = zip.CreateEntry(name).Open();
        target.Write(content);
    }

    private static byte[] Truncate(byte[] bytes, int length) => bytes[..length];
}
