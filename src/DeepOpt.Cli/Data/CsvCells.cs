// Licensed under the MIT license. See LICENSE in the repository root.

using System.Globalization;
using DeepOpt.Cli.Config;

namespace DeepOpt.Cli.Data;

/// <summary>
/// Checks the cells of a CSV or TSV file that are read as numbers before ML.NET loads it. ML.NET's loader turns a
/// bad or missing cell into NaN without saying where, and the trainer can then only name a row of the shuffled
/// training split; this names the file's own line, the cell's column and the config key that points at the file.
/// </summary>
internal static class CsvCells
{
    /// <summary>A column read as a number: its index in the header and what to tell the user to change.</summary>
    /// <param name="Index">The column's index in the header.</param>
    /// <param name="Role">Why it is a number, with the config key that decides it ("a feature (`data.features`)").</param>
    public readonly record struct NumericColumn(int Index, string Role);

    /// <summary>Throws a <see cref="ConfigException"/> at the first line with fewer cells than the header (ML.NET would
    /// read the missing ones as empty) or a numeric cell that is
    /// empty, not a number or not finite.</summary>
    /// <param name="path">The data file.</param>
    /// <param name="key">The config node that names the file (for example `data.train`).</param>
    /// <param name="separator">The cell separator.</param>
    /// <param name="header">The header's column names.</param>
    /// <param name="numeric">The columns read as numbers.</param>
    public static void Check(string path, ConfigNode key, char separator, string[] header, IReadOnlyList<NumericColumn> numeric)
    {
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = Split(line, separator);
            if (cells.Count < header.Length)
            {
                throw new ConfigException(path, lineNumber, 1, key.Path,
                    $"the line has {cells.Count} cells, but the header has {header.Length} ({string.Join(", ", header)}). Fix or remove the line, or check `data.separator`.");
            }

            foreach (var column in numeric)
            {
                var (start, text) = cells[column.Index];
                string value = text.Trim().Trim('"').Trim();
                string? problem = value.Length == 0
                    ? "is empty"
                    : !float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float number) ? $"holds '{value}', which is not a number"
                    : !float.IsFinite(number) ? $"holds '{value}', which is not a finite number"
                    : null;
                if (problem != null)
                {
                    throw new ConfigException(path, lineNumber, start + 1, key.Path,
                        $"column '{header[column.Index]}' {problem}; it is read as a number because it is {column.Role}. Fix the cell or remove the line.");
                }
            }
        }
    }

    /// <summary>The cells of a line with their 0-based start, honouring double quotes as ML.NET's loader does with quoting on.</summary>
    private static List<(int Start, string Text)> Split(string line, char separator)
    {
        var cells = new List<(int, string)>();
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == separator && !quoted)
            {
                cells.Add((start, line[start..i]));
                start = i + 1;
            }
        }

        cells.Add((start, line[start..]));
        return cells;
    }
}
