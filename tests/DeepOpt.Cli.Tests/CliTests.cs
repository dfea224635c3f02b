// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Reflection;
using DeepOpt.Cli.Commands;
using DeepOpt.Cli.Config;
using DeepOpt.Trainers;
using Microsoft.ML;

namespace DeepOpt.Cli.Tests;

[TestClass]
public class CliTests
{
    [TestMethod]
    public void Train_FromYamlOnCsv_PrintsMetricsAndSavesALoadableModel()
    {
        using var space = new Workspace();
        space.Csv("train.csv", 800, 1);
        space.Csv("test.csv", 300, 2);
        string config = space.File("train.yaml", """
            task: multiclass
            data:
              train: train.csv
              test: test.csv
              label: Label
            trainer:
              kind: mlp
              options:
                HiddenLayerSizes: [64, 64]
                Epochs: 30
                LearningRate: 0.01
                ThreadCount: 1
            output: model.zip
            """);
        var output = new StringWriter();

        Assert.AreEqual(0, TrainCommand.Run(config, output));

        StringAssert.Contains(output.ToString(), "epoch  30/30");
        StringAssert.Contains(output.ToString(), "Test: accuracy");
        var ml = new MLContext();
        var model = ml.Model.LoadDeepOpt(Path.Combine(space.Folder, "model.zip"), out _);
        var data = ml.Data.LoadFromTextFile(Path.Combine(space.Folder, "test.csv"),
            [new("x", Microsoft.ML.Data.DataKind.Single, 0), new("y", Microsoft.ML.Data.DataKind.Single, 1), new("Label", Microsoft.ML.Data.DataKind.String, 2)],
            ',', hasHeader: true);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
        Assert.IsTrue(metrics.MicroAccuracy > 0.8, $"{metrics.MicroAccuracy}");
    }

    [TestMethod]
    public void Train_ImageFolders_LearnsBarsWithTheCnn()
    {
        using var space = new Workspace();
        space.Images("images", 60, 1);
        string config = space.File("images.json", """
            {
              "data": { "format": "images", "train": "images", "imageSize": [12, 12], "validationFraction": 0.25 },
              "trainer": { "kind": "cnn", "options": { "ConvFilters": [8, 16], "DenseUnits": 32, "Epochs": 10, "LearningRate": 0.003, "ThreadCount": 1 } }
            }
            """);
        var output = new StringWriter();

        Assert.AreEqual(0, TrainCommand.Run(config, output));

        var line = output.ToString().Split('\n').Single(l => l.StartsWith("Validation:", StringComparison.Ordinal));
        double accuracy = double.Parse(line.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(accuracy >= 90, line);
    }

    [TestMethod]
    public void Train_IdxFolder_ReadsTrainAndTestSplits()
    {
        using var space = new Workspace();
        space.Idx("idx", 300, 100, 1);
        string config = space.File("idx.yaml", """
            data:
              format: idx
              train: idx
              test: idx
            trainer:
              kind: mlp
              options: { Epochs: 15, LearningRate: 0.01, ThreadCount: 1, HiddenLayerSizes: [16] }
            """);
        var output = new StringWriter();

        Assert.AreEqual(0, TrainCommand.Run(config, output));

        var line = output.ToString().Split('\n').Single(l => l.StartsWith("Test:", StringComparison.Ordinal));
        double accuracy = double.Parse(line.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(accuracy >= 90, line);
    }

    [TestMethod]
    public async Task Sweep_NoTunerKey_SearchesWithTheBayesianTuner()
    {
        using var space = new Workspace();
        space.Csv("train.csv", 200, 1);
        string config = space.File("sweep.json", """
            {
              "task": "multiclass",
              "data": { "train": "train.csv", "validationFraction": 0.3 },
              "trainers": [ { "kind": "mlp", "options": { "ThreadCount": 1 }, "searchSpace": { "Epochs": { "min": 1, "max": 3 } } } ],
              "maxTrials": 1,
              "storage": "sweep.db",
              "output": "best.zip"
            }
            """);

        Assert.AreEqual(0, await SweepCommand.RunAsync(config, new StringWriter(), CancellationToken.None));

        // The sweep's record in its store names the tuner that proposed its trials.
        using (var store = new DeepOpt.AutoML.Storage.SqliteTrialStore(Path.Combine(space.Folder, "sweep.db")))
        {
            StringAssert.Contains(store.OpenSweep("default", "{}"), "DeepOpt.AutoML.Tuners.BayesianTuner");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    public async Task Sweep_Objectives_PrintsTheParetoFront()
    {
        using var space = new Workspace();
        space.Csv("train.csv", 200, 1);
        string config = space.File("sweep.yaml", """
            task: multiclass
            data: { train: train.csv, validationFraction: 0.3 }
            trainers:
              - kind: mlp
                options: { ThreadCount: 1 }
                searchSpace: { Epochs: { min: 1, max: 3 } }
            objectives:
              - maximize: MacroAccuracy
              - minimize: ParameterCount
            constraints:
              - ParameterCount <= 10000000
            pruner: asha
            maxTrials: 3
            storage: sweep.db
            output: best.zip
            """);
        var output = new StringWriter();

        Assert.AreEqual(0, await SweepCommand.RunAsync(config, output, CancellationToken.None));

        // The stored sweep remembers its objectives: its report shows the front and the trade-offs.
        string report = Path.Combine(space.Folder, "report.html");
        Assert.AreEqual(0, StoreCommands.Report(Path.Combine(space.Folder, "sweep.db"), "default", report, new StringWriter()));
        StringAssert.Contains(File.ReadAllText(report), "<table id=\"tradeoffs\"");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string text = output.ToString();
        StringAssert.Contains(text, "Pareto front (");
        StringAssert.Contains(text, "maximize MacroAccuracy, minimize ParameterCount subject to ParameterCount <= 10000000");
        StringAssert.Matches(text, new System.Text.RegularExpressions.Regex(@"trial \d+: MacroAccuracy [0-9.]+, ParameterCount \d+"));
        Assert.IsTrue(File.Exists(Path.Combine(space.Folder, "best.zip")));
    }

    [TestMethod]
    public async Task Sweep_FromJson_RunsItsBudgetAndSavesTheBestModel()
    {
        using var space = new Workspace();
        space.Csv("train.csv", 600, 1);
        string config = space.File("sweep.json", """
            {
              "task": "multiclass",
              "metric": "MicroAccuracy",
              "data": { "train": "train.csv", "validationFraction": 0.3 },
              "trainers": [
                { "kind": "mlp", "options": { "ThreadCount": 1 }, "searchSpace": { "Epochs": { "min": 2, "max": 20 }, "Optimizer": ["Adam", "AdamW"] } }
              ],
              "tuner": "random",
              "pruner": "asha",
              "maxTrials": 4,
              "storage": "sweep.db",
              "sweepName": "csv",
              "output": "best.zip"
            }
            """);
        var output = new StringWriter();

        Assert.AreEqual(0, await SweepCommand.RunAsync(config, output, CancellationToken.None));

        string text = output.ToString();
        Assert.AreEqual(4, text.Split('\n').Count(l => l.Contains(" running ", StringComparison.Ordinal)), text);
        StringAssert.Contains(text, "Best: trial");
        Assert.IsTrue(File.Exists(Path.Combine(space.Folder, "best.zip")));

        // The store the sweep wrote: `deepopt trials` lists it, `deepopt report` renders it.
        string db = Path.Combine(space.Folder, "sweep.db");
        var listing = new StringWriter();
        Assert.AreEqual(0, StoreCommands.Trials(db, "csv", listing));
        StringAssert.Contains(listing.ToString(), "4 trials:");
        Assert.AreEqual(4 + 2, listing.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, listing.ToString());
        string html = Path.Combine(space.Folder, "report.html");
        Assert.AreEqual(0, StoreCommands.Report(db, "csv", html, new StringWriter()));
        StringAssert.Contains(File.ReadAllText(html), "<table");
        Assert.ThrowsExactly<InvalidOperationException>(() => StoreCommands.Trials(db, "other", new StringWriter()));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [TestMethod]
    [DataRow("trainer:\n  kind: mlp\n  options:\n    Epoch: 3\n", 6, 5, "trainer.options.Epoch", "Did you mean `Epochs`?")]
    [DataRow("trainer:\n  kind: mlp\n  options:\n    Epochs: three\n", 6, 13, "trainer.options.Epochs", "expected a whole number")]
    [DataRow("trainer:\n  kind: mlp\n  options:\n    LearningRate: -1\n", 6, 19, "trainer.options.LearningRate", "LearningRate")]
    [DataRow("trainer:\n  kind: mlpp\n", 4, 9, "trainer.kind", "use cnn, mlp, lstm or gru")]
    [DataRow("trainer:\n  kind: mlp\nouptut: m.zip\n", 5, 1, "ouptut", "Did you mean `output`?")]
    [DataRow("trainer:\n  kind: mlp\n  options:\n    Optimizer: Adamm\n", 6, 16, "trainer.options.Optimizer", "is not one of")]
    [DataRow("trainr:\n  kind: mlp\n", 3, 1, "trainr", "unknown key. Did you mean `trainer`?")]
    [DataRow("trainer:\n  kid: mlp\n", 4, 3, "trainer.kid", "unknown key. Did you mean `kind`?")]
    [DataRow("trainer:\n  kind: mlp\n  options:\n    Device: gpu\n", 6, 13, "trainer.options.Device", "Leave `Device` null")]
    [DataRow("task: multiclassification\ntrainer:\n  kind: mlp\n", 3, 7, "task", "use multiclass, binary or regression")]
    public void Train_BadConfig_ErrorPointsAtLineAndKey(string tail, int line, int column, string key, string message)
    {
        using var space = new Workspace();
        space.Csv("train.csv", 50, 1);
        string config = space.File("bad.yaml", "data:\n  train: train.csv\n" + tail);

        var error = Assert.ThrowsExactly<ConfigException>(() => TrainCommand.Run(config, new StringWriter()));

        Assert.AreEqual(line, error.Line, error.Message);
        Assert.AreEqual(column, error.Column, error.Message);
        Assert.AreEqual(key, error.Key, error.Message);
        StringAssert.Contains(error.Message, message);
        StringAssert.StartsWith(error.Message, $"{config}:{line}:{column}: `{key}`");
    }

    [TestMethod]
    [DataRow("test", 3, 9)]
    [DataRow("validation", 3, 15)]
    public void Train_MissingTestOrValidationFile_NamesTheKeyAndItsLocation(string key, int line, int column)
    {
        using var space = new Workspace();
        space.Csv("train.csv", 50, 1);
        string config = space.File("bad.yaml", $"data:\n  train: train.csv\n  {key}: nowhere.csv\ntrainer:\n  kind: mlp\n");

        var error = Assert.ThrowsExactly<ConfigException>(() => TrainCommand.Run(config, new StringWriter()));

        StringAssert.StartsWith(error.Message, $"{config}:{line}:{column}: `data.{key}`: ");
        StringAssert.Contains(error.Message, $"'{Path.Combine(space.Folder, "nowhere.csv")}' does not exist");
    }

    [TestMethod]
    [DataRow("abc", "'abc', which is not a number")]
    [DataRow("", "empty")]
    public void Train_BadCsvCell_NamesTheFilesLineAndTheColumn(string cell, string problem)
    {
        using var space = new Workspace();
        space.Csv("train.csv", 60, 1);
        string csv = Path.Combine(space.Folder, "train.csv");
        var lines = File.ReadAllLines(csv);
        var cells = lines[40].Split(',');
        lines[40] = $"{cells[0]},{cell},{cells[2]}"; // line 41 of the file, column y
        File.WriteAllLines(csv, lines);
        string config = space.File("bad.yaml", "data:\n  train: train.csv\ntrainer:\n  kind: mlp\n");

        var error = Assert.ThrowsExactly<ConfigException>(() => TrainCommand.Run(config, new StringWriter()));

        Assert.AreEqual(csv, error.File, error.Message);
        Assert.AreEqual(41, error.Line, error.Message);
        Assert.AreEqual(cells[0].Length + 2, error.Column, error.Message);
        StringAssert.StartsWith(error.Message, $"{csv}:41:{cells[0].Length + 2}: `data.train`: column 'y'");
        StringAssert.Contains(error.Message, problem);
    }

    [TestMethod]
    public void Train_CsvLineWithTooFewCells_NamesTheFilesLine()
    {
        using var space = new Workspace();
        space.Csv("train.csv", 60, 1);
        space.Csv("test.csv", 20, 2);
        string csv = Path.Combine(space.Folder, "test.csv");
        var lines = File.ReadAllLines(csv);
        lines[7] = lines[7][..lines[7].LastIndexOf(',')];
        File.WriteAllLines(csv, lines);
        string config = space.File("bad.yaml", "data:\n  train: train.csv\n  test: test.csv\ntrainer:\n  kind: mlp\n");

        var error = Assert.ThrowsExactly<ConfigException>(() => TrainCommand.Run(config, new StringWriter()));

        StringAssert.StartsWith(error.Message, $"{csv}:8:1: `data.test`: ");
        StringAssert.Contains(error.Message, "2 cells, but the header has 3 (x, y, Label)");
    }

    [TestMethod]
    [DataRow("maxTrials: 0", 7, 12, "maxTrials", "must be 1 or more, but got 0")]
    [DataRow("minutes: 0", 7, 10, "minutes", "must be greater than 0, but got 0")]
    [DataRow("maxTrials: 3\ntrainr: []", 8, 1, "trainr", "Did you mean `trainers`?")]
    [DataRow("maxTrials: 3\n    searchSpace: { Optimizer: [Adam, Adamx] }", 6, 38, "trainers[0].searchSpace.Optimizer[1]", "'Adamx', which is not one of")]
    [DataRow("maxTrials: 3\n    searchSpace: { Optimizer: { choices: [Adamx] } }", 6, 43, "trainers[0].searchSpace.Optimizer.choices[0]", "AdamW")]
    [DataRow("maxTrials: 3\n    searchSpace: { Dropout: [0.1, 1.5] }", 6, 35, "trainers[0].searchSpace.Dropout[1]", "`Dropout` must be in [0, 1), but got 1.5")]
    [DataRow("maxTrials: 3\n    searchSpace: { Dropout: { min: 0, max: 1 } }", 6, 44, "trainers[0].searchSpace.Dropout.max", "`Dropout` must be in [0, 1), but got 1")]
    [DataRow("maxTrials: 3\n    searchSpace: { BatchSize: [32, big] }", 6, 36, "trainers[0].searchSpace.BatchSize[1]", "'big'")]
    [DataRow("maxTrials: 3\n    searchSpace: { Optimizer: [Adamw, AdamW] }", 6, 39, "trainers[0].searchSpace.Optimizer[1]", "'AdamW' repeats the candidate 'Adamw'")]
    [DataRow("maxTrials: 3\nconstraints: ['ParameterCount <= 5']", 8, 14, "constraints", "constraints need `objectives:`")]
    [DataRow("maxTrials: 3\nobjectives: [{ maximize: MacroAccuracy }]\nconstraints: ['ParameterCount < 5']", 9, 15, "constraints[0]", "`name <= limit` or `name >= limit`")]
    [DataRow("maxTrials: 3\nobjectives: [{ maximise: MacroAccuracy }]", 8, 16, "objectives[0].maximise", "Did you mean `maximize`?")]
    [DataRow("maxTrials: 3\nobjectives: [{ minimize: ParameterCount }]\npruner: asha", 9, 9, "pruner", "add `- maximize: MacroAccuracy` to `objectives:`")]
    public async Task Sweep_BadConfig_ErrorPointsAtLineAndKey(string tail, int line, int column, string key, string message)
    {
        using var space = new Workspace();
        space.Csv("train.csv", 60, 1);
        string text = "data:\n  train: train.csv\ntrainers:\n  - kind: mlp\n    options: { ThreadCount: 1 }\ntuner: random\n";
        // A search-space line belongs to the trainer, the rest to the top level.
        text = tail.Contains("searchSpace", StringComparison.Ordinal)
            ? text.Replace("tuner: random\n", tail.Split('\n')[1] + "\ntuner: random\n" + tail.Split('\n')[0] + "\n", StringComparison.Ordinal)
            : text + tail + "\n";
        string config = space.File("bad.yaml", text);

        var error = await Assert.ThrowsExactlyAsync<ConfigException>(() => SweepCommand.RunAsync(config, new StringWriter(), CancellationToken.None));

        Assert.AreEqual(key, error.Key, error.Message);
        Assert.AreEqual(line, error.Line, error.Message);
        Assert.AreEqual(column, error.Column, error.Message);
        StringAssert.Contains(error.Message, message);
        StringAssert.StartsWith(error.Message, $"{config}:{line}:{column}: `{key}`");
    }

    [TestMethod]
    public void Train_MissingLabelColumn_NamesTheColumnsThereAre()
    {
        using var space = new Workspace();
        space.Csv("train.csv", 50, 1);
        string config = space.File("bad.yaml", "data:\n  train: train.csv\n  label: Class\ntrainer:\n  kind: mlp\n");

        var error = Assert.ThrowsExactly<ConfigException>(() => TrainCommand.Run(config, new StringWriter()));

        StringAssert.Contains(error.Message, "the label column 'Class' is not in the header");
        StringAssert.Contains(error.Message, "x, y, Label");
        Assert.AreEqual(3, error.Line);
    }

    [TestMethod]
    public void Help_ListsEveryCommandAndArgument()
    {
        string cli = typeof(CliTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DeepOptCli").Value!;
        string Help(params string[] args)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true };
            start.ArgumentList.Add(cli);
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return text;
        }

        string top = Help("--help");
        StringAssert.Contains(top, "train");
        StringAssert.Contains(top, "sweep");
        StringAssert.Contains(top, "trials");
        StringAssert.Contains(top, "report");
        StringAssert.Contains(Help("report", "--help"), "--storage");
        StringAssert.Contains(Help("sweep", "--help"), "<config>");
    }
}
