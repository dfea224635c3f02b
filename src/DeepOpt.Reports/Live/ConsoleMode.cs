// Licensed under the MIT license. See LICENSE in the repository root.

using Spectre.Console;

namespace DeepOpt.Reports.Live;

/// <summary>Decides between a live display and plain lines.</summary>
internal static class ConsoleMode
{
    /// <summary>True when the console can redraw in place: interactive, with ANSI support, and (for the real console)
    /// output that is not redirected to a file or a pipe.</summary>
    /// <param name="console">The console.</param>
    /// <returns>Whether to draw live.</returns>
    public static bool IsLive(IAnsiConsole console)
    {
        var capabilities = console.Profile.Capabilities;
        bool redirected = ReferenceEquals(console, AnsiConsole.Console) && Console.IsOutputRedirected;
        return capabilities.Interactive && capabilities.Ansi && !redirected;
    }
}
