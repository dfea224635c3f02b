// Licensed under the MIT license. See LICENSE in the repository root.

using System.Text.Json;

namespace DeepOpt.Serving;

/// <summary>A request body that is a JSON array: a batch of rows, scored together and answered in order.</summary>
internal static class Batch
{
    /// <summary>The most rows one request may send.</summary>
    public const int MaxRows = 10_000;

    /// <summary>Reads each row of a batch body with <paramref name="parse"/>; a bad row's message names it.</summary>
    /// <exception cref="BadRequestException">The batch is empty or too large, or a row does not fit.</exception>
    public static List<T> Parse<T>(IReadOnlyList<JsonElement> body, Func<JsonElement, T> parse)
    {
        int count = body.Count;
        if (count is 0 or > MaxRows)
        {
            throw new BadRequestException($"A batch must hold 1 to {MaxRows} rows, but got {count}.");
        }

        var rows = new List<T>(count);
        foreach (var row in body)
        {
            try
            {
                rows.Add(parse(row));
            }
            catch (BadRequestException ex)
            {
                throw new BadRequestException($"Row {rows.Count}: {ex.Message}");
            }
        }

        return rows;
    }
}
