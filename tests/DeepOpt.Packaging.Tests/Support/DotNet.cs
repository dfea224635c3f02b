// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;

namespace DeepOpt.Packaging.Tests.Support;

/// <summary>Runs the <c>dotnet</c> CLI and captures its output.</summary>
internal static class DotNet
{
    /// <summary>Runs <c>dotnet</c> with the arguments and fails the test, with the output, when it exits non-zero.</summary>
    /// <param name="workingDirectory">The directory to run in.</param>
    /// <param name="environment">Variables to set on top of this process's environment.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="arguments">The arguments, one per element.</param>
    /// <returns>Standard output and error, interleaved.</returns>
    public static string Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // MSBuild worker nodes left running would inherit the redirected pipes and outlive the command.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The timed wait does not wait for the pipes to close, which a stray grandchild could hold open.
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:F0} s:\n{Text(output)}");
        }

        process.WaitForExit(TimeSpan.FromSeconds(5));
        var text = Text(output);
        Console.WriteLine($"dotnet {string.Join(' ', arguments)}: exit {process.ExitCode} after {watch.Elapsed.TotalSeconds:F1} s");
        if (process.ExitCode != 0)
        {
            Assert.Fail($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        }

        return text;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line != null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
