// Licensed under the MIT license. See LICENSE in the repository root.

using DeepOpt.AutoML.Experiment;
using Spectre.Console;

namespace DeepOpt.Reports.Live;

/// <summary>
/// Shows a sweep on the console: a live table of trials (state, parameters, metric, loss, duration, best so far) in a
/// terminal, one plain line per trial event, never wrapped, when the output is redirected.
/// </summary>
/// <example>
/// <code>
/// var best = await LiveSweep.RunAsync(monitor => experiment.SetMonitor(monitor).RunAsync());
/// </code>
/// </example>
public static class LiveSweep
{
    /// <summary>Runs a sweep with a trial display; the sweep must give the monitor it is handed to its experiment.</summary>
    /// <typeparam name="T">What the sweep returns.</typeparam>
    /// <param name="sweep">The sweep, given the monitor to report to.</param>
    /// <param name="console">The console; null for <see cref="AnsiConsole.Console"/>.</param>
    /// <param name="maxRows">The most recent trials the live table keeps (the best one is always kept).</param>
    /// <param name="objectives">A multi-objective sweep's objectives: the table shows each, and marks the Pareto front.</param>
    /// <returns>What the sweep returned.</returns>
    public static async Task<T> RunAsync<T>(Func<IMonitor, Task<T>> sweep, IAnsiConsole? console = null, int maxRows = 20, AutoML.MultiObjective.ObjectiveSet? objectives = null)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        console ??= AnsiConsole.Console;
        var board = new TrialBoard(maxRows, objectives);
        if (!ConsoleMode.IsLive(console))
        {
            var lines = new PlainLines(console);
            return await sweep(new TrialBoardMonitor(board, lines.WriteLine, null));
        }

        return await console.Live(board.Render()).AutoClear(false).StartAsync(async context =>
            await sweep(new TrialBoardMonitor(board, null, () => context.UpdateTarget(board.Render()))));
    }
}
