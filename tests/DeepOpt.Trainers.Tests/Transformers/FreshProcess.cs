// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DeepOpt.Trainers.Tests;

/// <summary>Loads a saved model in a fresh process (tests/DeepOpt.ModelLoadCheck, or tests/DeepOpt.PlainMlNetCheck for
/// plain ML.NET) and compares its scores.</summary>
internal static class FreshProcess
{
    /// <summary>Runs the checker on a saved model and returns the score lines it wrote.</summary>
    /// <param name="modelPath">The saved model.</param>
    /// <param name="scoresPath">Where the checker writes one line per row.</param>
    /// <param name="textPath">A TSV of text rows to score, or null for the embedded digits.</param>
    public static string[] Score(string modelPath, string scoresPath, string? textPath = null)
    {
        var (exitCode, output) = Run(120_000, new[] { modelPath, scoresPath, textPath }.OfType<string>().ToArray());
        Assert.AreEqual(0, exitCode, output);

        // Where NNPACK cannot start, libtorch would say so on every single-row convolution; DeepOpt lets it say it once.
        int nnpackLines = output.Split('\n').Count(line => line.Contains("NNPACK", StringComparison.Ordinal));
        Assert.IsLessThanOrEqualTo(1, nnpackLines, output.Length > 2000 ? output[..2000] : output);
        return File.ReadAllLines(scoresPath);
    }

    /// <summary>Runs the checker's dispose race (tests/DeepOpt.ModelLoadCheck/DisposeRace.cs) on a saved digits model:
    /// a native crash there ends the child, not the test run.</summary>
    /// <returns>The child's exit code and everything it wrote.</returns>
    public static (int ExitCode, string Output) Race(string modelPath, int rounds) =>
        Run(600_000, "race", modelPath, rounds.ToString(CultureInfo.InvariantCulture));

    /// <summary>Runs the checker's memory burst (tests/DeepOpt.ModelLoadCheck/MemoryBurst.cs) after predicting with the
    /// saved model, or after training one when <paramref name="modelPath"/> is null.</summary>
    /// <returns>The child's exit code and everything it wrote.</returns>
    public static (int ExitCode, string Output) MemoryBurst(string? modelPath) =>
        Run(120_000, "memory", modelPath ?? "-", modelPath == null ? "train" : "predict");

    /// <summary>Runs tests/DeepOpt.PlainMlNetCheck, which has only ML.NET, on a pipeline saved with plain ml.Model.Save.</summary>
    /// <returns>The child's exit code and everything it wrote.</returns>
    public static (int ExitCode, string Output) PlainMlNet(string pipelinePath, string dataPath, string task, string scoredPath) =>
        RunProgram("PlainMlNetCheck", 120_000, [pipelinePath, dataPath, task, scoredPath]);

    private static (int ExitCode, string Output) Run(int timeoutMilliseconds, params string[] arguments) =>
        RunProgram("ModelLoadCheck", timeoutMilliseconds, arguments);

    private static (int ExitCode, string Output) RunProgram(string program, int timeoutMilliseconds, string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        foreach (var argument in arguments.Prepend(ProgramPath(program)))
        {
            start.ArgumentList.Add(argument);
        }

        return RunCommand(start, timeoutMilliseconds);
    }

    /// <summary>The path of a program built beside the tests (tests/DeepOpt.<paramref name="program"/>), as this
    /// assembly's metadata names it.</summary>
    public static string ProgramPath(string program) =>
        typeof(FreshProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == program).Value!;

    /// <summary>Runs a command to its end, reading what it writes as it goes; after <paramref name="timeoutMilliseconds"/>
    /// it kills the command with its children and fails the test.</summary>
    /// <returns>The exit code and everything written, standard output first.</returns>
    public static (int ExitCode, string Output) RunCommand(ProcessStartInfo start, int timeoutMilliseconds)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not end in {timeoutMilliseconds / 1000} s: {output.Result}{errors.Result}");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }

    /// <summary>Labels must match exactly and scores to 1e-6: the weights load bitwise, but the CPU BLAS may split a
    /// product differently under another process's load, which moves the last bit.</summary>
    public static void AssertSameScores(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        Assert.HasCount(expected.Count, actual);
        for (int row = 0; row < actual.Count; row++)
        {
            var left = expected[row].Split(' ');
            var right = actual[row].Split(' ');
            Assert.AreEqual(left[0], right[0], $"row {row}: predicted label");
            for (int i = 1; i < left.Length; i++)
            {
                Assert.AreEqual(double.Parse(left[i], CultureInfo.InvariantCulture), double.Parse(right[i], CultureInfo.InvariantCulture), 1e-6, $"row {row}, score {i - 1}");
            }
        }
    }
}
