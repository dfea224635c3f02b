// Licensed under the MIT license. See LICENSE in the repository root.

using System.CommandLine;
using DeepOpt.Cli.Commands;
using DeepOpt.Cli.Config;

var configArgument = new Argument<FileInfo>("config") { Description = "The JSON or YAML config (see the README's `deepopt` section)." };
var train = new Command("train", "Train one network on the config's data, print validation and test metrics, and save the model.") { configArgument };
train.SetAction(result => Guard(() => TrainCommand.Run(result.GetValue(configArgument)!.FullName, Console.Out)));

var sweepConfig = new Argument<FileInfo>("config") { Description = "The JSON or YAML config: data, trainers, search space, tuner, pruner and budget." };
var sweep = new Command("sweep", "Tune one or more trainers on the config's data and save the best model.") { sweepConfig };
sweep.SetAction((result, token) => GuardAsync(() => SweepCommand.RunAsync(result.GetValue(sweepConfig)!.FullName, Console.Out, token)));

var root = new RootCommand("deepopt: train DeepOpt networks (MLP, CNN, LSTM/GRU) and tune them, from a config file.") { train, sweep };
return await root.Parse(args).InvokeAsync();

static int Guard(Func<int> run)
{
    try
    {
        return run();
    }
    catch (Exception ex) when (ex is ConfigException or FileNotFoundException or InvalidDataException or ArgumentException or InvalidOperationException)
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
    catch (Exception ex) when (ex is ConfigException or FileNotFoundException or InvalidDataException or ArgumentException or InvalidOperationException)
    {
        Console.Error.WriteLine($"deepopt: {ex.Message}");
        return 1;
    }
}
