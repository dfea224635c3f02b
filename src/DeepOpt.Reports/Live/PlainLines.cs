// Licensed under the MIT license. See LICENSE in the repository root.

using Spectre.Console;

namespace DeepOpt.Reports.Live;

/// <summary>
/// Writes whole lines to a console's underlying writer when it is not a terminal. Spectre's own WriteLine wraps at
/// the profile's width, which is 80 columns for a pipe or a file, and so splits a progress line in the middle of a
/// value in a CI log; a line written here is never wrapped. Thread-safe: parallel trials report at the same time.
/// </summary>
internal sealed class PlainLines(IAnsiConsole console)
{
    private readonly object _gate = new();

    /// <summary>Writes one line as it is, with no wrapping and no markup.</summary>
    /// <param name="line">The text.</param>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            var writer = console.Profile.Out.Writer;
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
