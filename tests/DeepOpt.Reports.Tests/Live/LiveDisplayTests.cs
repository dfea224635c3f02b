// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.RegularExpressions;
using DeepOpt.AutoML.Experiment;
using DeepOpt.Reports.Live;
using DeepOpt.Reports.Tests.Support;
using DeepOpt.Trainers;
using Spectre.Console;

namespace DeepOpt.Reports.Tests.Live;

[TestClass]
public class LiveDisplayTests
{
    [TestMethod]
    public void LiveTraining_WithoutATerminal_WritesOnePlainLinePerEpoch()
    {
        var (console, output) = Console(live: false);

        var result = LiveTraining.Run("mlp", progress =>
        {
            progress.Report(new EpochReport(1, 2, 0.9, 1.0, 0.5, 0.01, 0.2));
            progress.Report(new EpochReport(2, 2, 0.7, null, null, 0.005, 0.2));
            return 42;
        }, console);

        Assert.AreEqual(42, result);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(2, lines.Length, output.ToString());
        StringAssert.StartsWith(lines[0], "mlp: epoch 1/2  loss 0.9000  val loss 1.0000  val metric 0.5000  lr 0.01");
        StringAssert.Contains(lines[1], "epoch 2/2  loss 0.7000  val loss -  val metric -");
        Assert.IsFalse(output.ToString().Contains('\u001b'), "no escape codes in plain output");
    }

    [TestMethod]
    public void LiveTraining_WithoutATerminal_NeverWrapsALongLine()
    {
        // A console that is not a terminal has Spectre's default width, 80 columns.
        var (console, output) = Console(live: false, width: null);

        LiveTraining.Run("QuickStart MLP on digits", progress =>
        {
            progress.Report(new EpochReport(12, 30, 0.123456, 0.234567, 0.9577, 0.00244, 4.4));
            return 0;
        }, console);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, output.ToString());
        Assert.IsTrue(lines[0].Length > 80, lines[0]);
        StringAssert.EndsWith(lines[0].TrimEnd('\r'), "val metric 0.9577  lr 0.00244  4.4 s");
    }

    [TestMethod]
    public void LiveTraining_InATerminal_DrawsABar()
    {
        var (console, output) = Console(live: true);

        LiveTraining.Run("mlp", progress =>
        {
            progress.Report(new EpochReport(1, 1, 0.5, 0.6, 0.7, 0.01, 0.1));
            return 0;
        }, console);

        StringAssert.Contains(output.ToString(), "100%");
        StringAssert.Contains(output.ToString(), "epoch 1/1");
    }

    [TestMethod]
    public void LiveTraining_BatchReports_MoveTheBarWithinAnEpoch_AndStayOutOfPlainOutput()
    {
        var (console, output) = Console(live: true);
        LiveTraining.Run("mlp", progress =>
        {
            progress.Report(new BatchReport(1, 2, 3, 10, 0.25));
            return 0;
        }, console);
        StringAssert.Contains(output.ToString(), "batch 3/10");
        StringAssert.Contains(output.ToString(), "15%");

        var (plain, lines) = Console(live: false);
        LiveTraining.Run("mlp", progress =>
        {
            progress.Report(new BatchReport(1, 2, 3, 10, 0.25));
            return 0;
        }, plain);
        Assert.AreEqual(string.Empty, lines.ToString());
    }

    [TestMethod]
    public async Task LiveSweep_WithoutATerminal_WritesALinePerTrialEvent()
    {
        var (console, output) = Console(live: false);
        var trials = SyntheticSweep.Trials(6);
        trials.Add(new TrialResult
        {
            TrialSettings = new TrialSettings { TrialId = 6, Parameter = trials[0].TrialSettings.Parameter },
            State = TrialState.Canceled,
            Loss = double.NaN,
            ErrorMessage = "stopped by the cancellation or the time budget",
        });

        await LiveSweep.RunAsync(monitor => Feed(monitor, trials), console);

        var text = output.ToString();
        StringAssert.Contains(text, "trial 6: Canceled  stopped by the cancellation or the time budget");
        StringAssert.Contains(text, "trial 0: Running  LearningRate=");
        StringAssert.Contains(text, "trial 0: Completed  metric ");
        StringAssert.Contains(text, "trial 0: new best");
        StringAssert.Contains(text, "trial 4: Pruned");
        StringAssert.Contains(text, "trial 5: Failed  boom");
    }

    [TestMethod]
    public async Task LiveSweep_WithoutATerminal_NeverWrapsALongLine()
    {
        var (console, output) = Console(live: false, width: null);
        var trials = SyntheticSweep.Trials(2);
        string error = $"the loss was NaN at epoch 3, batch 17: {new string('x', 120)} lower `LearningRate`";
        trials[1] = new TrialResult { TrialSettings = trials[1].TrialSettings, State = TrialState.Failed, Loss = double.NaN };

        await LiveSweep.RunAsync(monitor =>
        {
            monitor.ReportRunningTrial(trials[0].TrialSettings);
            monitor.ReportCompletedTrial(trials[0]);
            monitor.ReportRunningTrial(trials[1].TrialSettings);
            monitor.ReportFailTrial(trials[1], new InvalidOperationException(error));
            return Task.FromResult(0);
        }, console);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.AreEqual(4, lines.Count, output.ToString());
        StringAssert.StartsWith(lines[0], "trial 0: Running  LearningRate=");
        StringAssert.Contains(lines[0], "Optimizer=");
        StringAssert.StartsWith(lines[1], "trial 0: Completed  metric ");
        StringAssert.EndsWith(lines[1], " s");
        Assert.AreEqual($"trial 1: Failed  {error}", lines[3]);
    }

    [TestMethod]
    public async Task LiveSweep_InATerminal_DrawsATableWithTheBestTrial()
    {
        var (console, output) = Console(live: true);
        var trials = SyntheticSweep.Trials(6);

        await LiveSweep.RunAsync(monitor => Feed(monitor, trials), console);

        var text = output.ToString();
        StringAssert.Contains(text, "Trials");
        StringAssert.Contains(text, "Completed");
        StringAssert.Contains(text, "best");
        StringAssert.Contains(text, "boom");
    }

    [TestMethod]
    public async Task LiveSweep_SeveralObjectives_ShowsEachAndMarksTheFront()
    {
        var objectives = new AutoML.MultiObjective.ObjectiveSet(
            [AutoML.MultiObjective.Objective.Maximize("Accuracy"), AutoML.MultiObjective.Objective.Minimize("Latency")]);
        var trials = new[] { (0.9, 3.0), (0.8, 1.0), (0.7, 2.0) }.Select((v, i) => new TrialResult
        {
            TrialSettings = new TrialSettings { TrialId = i },
            Loss = -v.Item1,
            Metric = v.Item1,
            Metrics = new Dictionary<string, double> { ["Accuracy"] = v.Item1, ["Latency"] = v.Item2 },
        }).ToList();
        var (console, output) = Console(live: true);
        var (plain, lines) = Console(live: false);

        await LiveSweep.RunAsync(monitor => Feed(monitor, trials), console, objectives: objectives);
        await LiveSweep.RunAsync(monitor => Feed(monitor, trials), plain, objectives: objectives);

        var text = output.ToString();
        StringAssert.Contains(text, "Accuracy (max)");
        StringAssert.Contains(text, "Latency (min)");
        Assert.AreEqual(2, Regex.Matches(text.Split("Trials").Last(), "front").Count, "trials 0 and 1 are the front; 2 is dominated by 1");
        StringAssert.Contains(lines.ToString(), "trial 1: Completed  Accuracy 0.8  Latency 1  0.0 s");
    }

    private static Task<int> Feed(IMonitor monitor, List<TrialResult> trials)
    {
        foreach (var trial in trials)
        {
            monitor.ReportRunningTrial(trial.TrialSettings);
            switch (trial.State)
            {
                case TrialState.Completed:
                    monitor.ReportCompletedTrial(trial);
                    if (trial.TrialSettings.TrialId == 0)
                    {
                        monitor.ReportBestTrial(trial);
                    }

                    break;
                case TrialState.Pruned:
                    monitor.ReportPrunedTrial(trial);
                    break;
                case TrialState.Canceled:
                    monitor.ReportCanceledTrial(trial);
                    break;
                default:
                    monitor.ReportFailTrial(trial, new InvalidOperationException("boom"));
                    break;
            }
        }

        return Task.FromResult(trials.Count);
    }

    /// <param name="live">Whether the console is an interactive terminal with ANSI support.</param>
    /// <param name="width">The console's width; null keeps Spectre's own default (80 columns for a writer that is not a terminal).</param>
    private static (IAnsiConsole Console, StringWriter Output) Console(bool live, int? width = 200)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = live ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = live ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = live ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
        });
        if (width is int columns)
        {
            console.Profile.Width = columns;
        }

        return (console, output);
    }
}
