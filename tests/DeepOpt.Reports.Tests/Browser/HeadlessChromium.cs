// Licensed under the MIT license. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DeepOpt.Reports.Tests.Browser;

/// <summary>
/// A headless Chromium started for one test, with its own profile folder, that prints its DevTools endpoint.
/// </summary>
internal sealed partial class HeadlessChromium : IDisposable
{
    private static readonly string[] s_names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    private readonly Process _process;
    private readonly DirectoryInfo _profile;

    private HeadlessChromium(Process process, DirectoryInfo profile, Uri endpoint)
    {
        _process = process;
        _profile = profile;
        Endpoint = endpoint;
    }

    /// <summary>Gets the browser's DevTools WebSocket address.</summary>
    public Uri Endpoint { get; }

    /// <summary>Finds Chromium: the DEEPOPT_CHROMIUM variable, else the first of the usual names on PATH.</summary>
    /// <returns>The executable's path, or null when there is none.</returns>
    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("DEEPOPT_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return s_names.SelectMany(name => folders.Select(folder => Path.Combine(folder, name))).FirstOrDefault(File.Exists);
    }

    /// <summary>Starts Chromium headless on a page and waits for its DevTools endpoint.</summary>
    /// <param name="executable">The Chromium executable.</param>
    /// <param name="url">The page to open.</param>
    /// <param name="timeout">How long to wait for the endpoint.</param>
    /// <returns>The running browser.</returns>
    public static HeadlessChromium Start(string executable, Uri url, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("deepopt-chromium-");
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}",
            // CI runs as root in a container: no sandbox, no GPU, no shared-memory-sized /dev/shm.
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--window-size=1280,1000",
            url.AbsoluteUri,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new List<string>();
        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                return;
            }

            lock (log)
            {
                log.Add(e.Data);
            }

            var match = DevToolsLine().Match(e.Data);
            if (match.Success)
            {
                endpoint.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!endpoint.Task.Wait(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            profile.Delete(recursive: true);
            lock (log)
            {
                throw new InvalidOperationException($"{executable} printed no DevTools endpoint within {timeout.TotalSeconds:F0} s:\n{string.Join('\n', log)}");
            }
        }

        return new HeadlessChromium(process, profile, endpoint.Task.Result);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A renderer still closing may hold a file; the temp folder is cleaned up by the system later.
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
