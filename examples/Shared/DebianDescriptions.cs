// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepOpt.Examples;

/// <summary>
/// Reads the Debian package-description corpus that bench/text/prepare_corpus.py writes: train.tsv and test.tsv with
/// a header and the columns Label (the package's section) and Text (its English description). Nothing is downloaded.
/// </summary>
public static class DebianDescriptions
{
    /// <summary>The training file's name.</summary>
    public const string TrainFile = "train.tsv";

    /// <summary>The test file's name.</summary>
    public const string TestFile = "test.tsv";

    /// <summary>The folder holding both files, or an exception that says how to prepare them.</summary>
    /// <param name="folder">The folder; null looks at DEBIAN_DESCRIPTIONS_DIR, then bench/text/data of the repository.</param>
    public static string Locate(string? folder)
    {
        folder ??= Environment.GetEnvironmentVariable("DEBIAN_DESCRIPTIONS_DIR") ?? DefaultFolder();
        if (!File.Exists(Path.Combine(folder, TrainFile)) || !File.Exists(Path.Combine(folder, TestFile)))
        {
            throw new FileNotFoundException(
                $"The Debian description corpus was not found in '{folder}'. Prepare it once with `python3 bench/text/prepare_corpus.py` " +
                "(Debian or Ubuntu; it runs `apt-get -o Acquire::Languages=en update` with sudo when the English descriptions are missing), " +
                "or pass the folder that holds train.tsv and test.tsv (or set DEBIAN_DESCRIPTIONS_DIR).");
        }

        return folder;
    }

    /// <summary>Loads one of the files as a data view with the text columns Label and Text.</summary>
    public static IDataView Load(MLContext ml, string folder, string file) =>
        ml.Data.LoadFromTextFile(
            Path.Combine(folder, file),
            new[] { new TextLoader.Column("Label", DataKind.String, 0), new TextLoader.Column("Text", DataKind.String, 1) },
            separatorChar: '\t',
            hasHeader: true,
            allowQuoting: false);

    private static string DefaultFolder()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DeepOpt.sln")))
            {
                return Path.Combine(directory.FullName, "bench", "text", "data");
            }
        }

        return Path.Combine("bench", "text", "data");
    }
}
