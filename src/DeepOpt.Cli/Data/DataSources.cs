// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.Trainers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Cli.Data;

/// <summary>Loads the data a config names: CSV or TSV with a header, IDX folders, or image folders (one per class).</summary>
internal static class DataSources
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif"];

    public static LoadedData Load(MLContext ml, DataConfig data, PredictionKind task, int seed)
    {
        return data.Format switch
        {
            "idx" => Idx(ml, data, task, seed),
            "images" => Images(ml, data, task, seed),
            _ => Text(ml, data, task, seed),
        };
    }

    private static LoadedData Text(MLContext ml, DataConfig data, PredictionKind task, int seed)
    {
        if (!File.Exists(data.Train))
        {
            throw data.Node.Required("train").Error($"'{data.Train}' is a folder; a {data.Format} file was expected.");
        }

        char separator = data.Separator ?? (data.Format == "tsv" ? '\t' : ',');
        var header = (File.ReadLines(data.Train).FirstOrDefault() ?? string.Empty).Split(separator).Select(h => h.Trim().Trim('"')).ToArray();
        int label = Array.IndexOf(header, data.Label);
        if (label < 0)
        {
            throw (data.Node.Child("label") ?? data.Node).Error(
                $"the label column '{data.Label}' is not in the header of '{data.Train}'. Its columns: {string.Join(", ", header)}.");
        }

        int text = data.Text == null ? -1 : Array.IndexOf(header, data.Text);
        if (data.Text != null && text < 0)
        {
            throw data.Node.Required("text").Error($"the text column '{data.Text}' is not in the header. Its columns: {string.Join(", ", header)}.");
        }

        var features = data.Features ?? header.Where((_, i) => i != label && i != text).ToArray();
        foreach (var name in features.Where(f => Array.IndexOf(header, f) < 0))
        {
            throw data.Node.Required("features").Error($"the column '{name}' is not in the header. Its columns: {string.Join(", ", header)}.");
        }

        var columns = new List<TextLoader.Column>
        {
            new(data.Label, task switch { PredictionKind.BinaryClassification => DataKind.Boolean, PredictionKind.Regression => DataKind.Single, _ => DataKind.String }, label),
        };
        if (text >= 0)
        {
            columns.Add(new TextLoader.Column(data.Text, DataKind.String, text));
        }
        else
        {
            columns.AddRange(features.Select(f => new TextLoader.Column(f, DataKind.Single, Array.IndexOf(header, f))));
        }

        var numeric = new List<CsvCells.NumericColumn>();
        if (text < 0)
        {
            string role = data.Features == null ? "a feature (every column but the label is, unless `data.features` lists them)" : "a feature listed in `data.features`";
            numeric.AddRange(features.Select(f => new CsvCells.NumericColumn(Array.IndexOf(header, f), role)));
        }

        if (task == PredictionKind.Regression)
        {
            numeric.Add(new CsvCells.NumericColumn(label, "the label (`data.label`) of a regression"));
        }

        // Every file is checked before any is loaded, so a bad cell stops the run before training, at its own line.
        CsvCells.Check(data.Train, data.Node.Required("train"), separator, header, numeric);
        foreach (var (split, file) in new[] { ("validation", data.Validation), ("test", data.Test) })
        {
            if (file != null && File.Exists(file))
            {
                CsvCells.Check(file, data.Node.Required(split), separator, header, numeric);
            }
        }

        IDataView Read(string path) => ml.Data.LoadFromTextFile(path, columns.ToArray(), separator, hasHeader: true, allowQuoting: true);
        IEstimator<ITransformer> featurizer = LabelTransform(ml, data.Label, task);
        string featureColumn = data.Text ?? "Features";
        if (text < 0)
        {
            featurizer = featurizer.Append(ml.Transforms.Concatenate("Features", features));
        }

        return Split(ml, data, Read, featurizer, featureColumn, 0, 0, seed);
    }

    /// <summary>IDX folders: `train` reads the folder's train split, `validation` and `test` its t10k split.</summary>
    private static LoadedData Idx(MLContext ml, DataConfig data, PredictionKind task, int seed)
    {
        if (task != PredictionKind.MulticlassClassification)
        {
            throw data.Node.Error("IDX data is for multiclass tasks: set `task: multiclass`.");
        }

        var train = IdxData.Load(ml, data.Train, "train", out int height, out int width);
        var test = data.Test == null ? null : IdxData.Load(ml, data.Test, "t10k", out _, out _);
        IDataView validation;
        if (data.Validation != null)
        {
            validation = IdxData.Load(ml, data.Validation, "t10k", out _, out _);
        }
        else
        {
            var split = ml.Data.TrainTestSplit(train, data.ValidationFraction, seed: seed);
            (train, validation) = (split.TrainSet, split.TestSet);
        }

        return new LoadedData(train, validation, test, ml.Transforms.Conversion.MapValueToKey(data.Label), "Pixels", height, width);
    }

    private static LoadedData Images(MLContext ml, DataConfig data, PredictionKind task, int seed)
    {
        if (data.ImageSize == null)
        {
            throw data.Node.Error("image folders need `imageSize: [height, width]`: every image is resized to it.");
        }

        if (task != PredictionKind.MulticlassClassification)
        {
            throw data.Node.Error("image folders (one folder per class) are for multiclass tasks: set `task: multiclass`.");
        }

        var featurizer = ml.Transforms.Conversion.MapValueToKey(data.Label)
            .Append(ml.Transforms.LoadImages("Image", null, "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", data.ImageSize[1], data.ImageSize[0]));
        return Split(ml, data, root => ml.Data.LoadFromEnumerable(ImageRows(root, data)), featurizer, "Image", data.ImageSize[0], data.ImageSize[1], seed);
    }

    private static List<ImageRow> ImageRows(string root, DataConfig data)
    {
        if (!Directory.Exists(root))
        {
            throw data.Node.Error($"'{root}' is not a folder: image data is one subfolder per class.");
        }

        var rows = Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal)
            .SelectMany(folder => Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Select(f => new ImageRow { ImagePath = f, Label = Path.GetFileName(folder) }))
            .ToList();
        return rows.Count > 0 ? rows : throw data.Node.Error($"'{root}' has no images in class subfolders ({string.Join(", ", ImageExtensions)}).");
    }

    private static IEstimator<ITransformer> LabelTransform(MLContext ml, string label, PredictionKind task) =>
        task == PredictionKind.MulticlassClassification ? ml.Transforms.Conversion.MapValueToKey(label) : ml.Transforms.CopyColumns(label, label);

    private static LoadedData Split(
        MLContext ml, DataConfig data, Func<string, IDataView> read, IEstimator<ITransformer> featurizer, string featureColumn, int height, int width, int seed)
    {
        var train = read(data.Train);
        IDataView validation;
        if (data.Validation != null)
        {
            validation = read(data.Validation);
        }
        else
        {
            var split = ml.Data.TrainTestSplit(train, data.ValidationFraction, seed: seed);
            (train, validation) = (split.TrainSet, split.TestSet);
        }

        return new LoadedData(train, validation, data.Test == null ? null : read(data.Test), featurizer, featureColumn, height, width);
    }

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }
}
