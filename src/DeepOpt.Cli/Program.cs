// Licensed under the MIT license. See LICENSE in the repository root.

using System.CommandLine;
using DeepOpt.AutoML.Storage;
using DeepOpt.Cli.Commands;
using DeepOpt.Cli.Config;

var trainConfig = new Argument<FileInfo>("config") { Description = "The JSON or YAML config: data, task, trainer and its options, output." };
var train = new Command("train", "Train one network on the config's data, print validation and test metrics, and save the model.") { trainConfig };
train.SetAction(result => Guard(() => TrainCommand.Run(result.GetValue(trainConfig)!.FullName, Console.Out, live: true)));

var sweepConfig = new Argument<FileInfo>("config") { Description = "The JSON or YAML config: data, trainers, search space, tuner, pruner, budget, storage." };
var sweep = new Command("sweep", "Tune one or more trainers on the config's data and save the best model.") { sweepConfig };
sweep.SetAction((result, token) => GuardAsync(() => SweepCommand.RunAsync(result.GetValue(sweepConfig)!.FullName, Console.Out, token, live: true)));

var storage = new Option<string>("--storage") { Description = "The sweep's store: a SQLite file or a PostgreSQL connection string (Host=...).", Required = true };
var sweepName = new Option<string>("--sweep") { Description = "The sweep's name in the store.", DefaultValueFactory = _ => "default" };
var trials = new Command("trials", "List a sweep's trials from its store: state, metric, loss, duration, worker, parameters.") { storage, sweepName };
trials.SetAction(result => Guard(() => StoreCommands.Trials(result.GetValue(storage)!, result.GetValue(sweepName)!, Console.Out)));

var output = new Option<FileInfo>("--out") { Description = "The HTML file to write.", DefaultValueFactory = _ => new FileInfo("report.html") };
var report = new Command("report", "Write a self-contained HTML report of a sweep: plots and a sortable table of trials.") { storage, sweepName, output };
report.SetAction(result => Guard(() => StoreCommands.Report(result.GetValue(storage)!, result.GetValue(sweepName)!, result.GetValue(output)!.FullName, Console.Out)));

var root = new RootCommand("deepopt: train DeepOpt networks (MLP, CNN, LSTM/GRU) and tune them, from a config file.") { train, sweep, trials, report };
return await root.Parse(args).InvokeAsync();

static int Guard(Func<int> run)
{
    try
    {
        return run();
    }
    catch (Exception ex) when (IsUserError(ex))
    {
        Console.Error.WriteLine($"deepopt: {ex.Message}");
        return 1;
    }
}

static async Task<int> GuardAsync(Func<Task<int>> run)
{
    try
    {
        return await run();
    }
    catch (Exception ex) when (IsUserError(ex))
    {
        Console.Error.WriteLine($"deepopt: {ex.Message}");
        return 1;
    }
}

static bool IsUserError(Exception ex) =>
    ex is ConfigException or FileNotFoundException or InvalidDataException or ArgumentException or InvalidOperationException or TrialStoreException;
