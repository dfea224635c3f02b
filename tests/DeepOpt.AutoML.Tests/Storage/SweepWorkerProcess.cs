// Licensed under the MIT license. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace DeepOpt.AutoML.Tests.Storage;

/// <summary>A DeepOpt.SweepWorker child process whose output lines a test can wait for.</summary>
internal sealed class SweepWorkerProcess : IDisposable
{
    private static readonly string s_workerDll = typeof(SweepWorkerProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SweepWorker").Value!;

    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly ConcurrentQueue<string> _all = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private SweepWorkerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets every line printed so far.</summary>
    public IReadOnlyCollection<string> Lines => _all.ToArray();

    /// <summary>Gets everything printed on stderr so far.</summary>
    public string Errors => string.Join(Environment.NewLine, _errors);

    public static SweepWorkerProcess Start(string storage, string sweep, string worker, int maxTrials, int trialMilliseconds,
        int heartbeatTimeoutMilliseconds = 60_000, string tuner = "random")
    {
        Assert.IsTrue(File.Exists(s_workerDll), $"The sweep worker is not built at {s_workerDll}.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            s_workerDll, "--storage", storage, "--sweep", sweep, "--worker", worker, "--max-trials", $"{maxTrials}",
            "--trial-ms", $"{trialMilliseconds}", "--heartbeat-timeout-ms", $"{heartbeatTimeoutMilliseconds}", "--tuner", tuner,
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var worker_ = new SweepWorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                worker_._lines.CompleteAdding();
                return;
            }

            worker_._all.Enqueue(e.Data);
            worker_._lines.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null)
            {
                worker_._errors.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker_;
    }

    /// <summary>Waits for a line that starts with <paramref name="prefix"/>, returning it.</summary>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.TryTake(out var line, TimeSpan.FromMilliseconds(100)) && line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }

            if (_lines.IsCompleted)
            {
                break;
            }
        }

        Assert.Fail($"The worker printed no line starting with '{prefix}'. Output: {string.Join(" | ", Lines)}; errors: {Errors}");
        return string.Empty;
    }

    /// <summary>Kills the process with SIGKILL (no chance to clean up) and waits for it to go.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(true);
            Assert.Fail($"The worker did not finish within {timeout.TotalSeconds} s. Output: {string.Join(" | ", Lines)}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(true);
        }

        _process.Dispose();
        _lines.Dispose();
    }
}
