// Licensed under the MIT license. See LICENSE in the repository root.

using System.IO.Pipelines;
using System.Text.Json;

namespace DeepOpt.Serving;

/// <summary>
/// A /predict body: one JSON object (a row), or a JSON array of rows (a batch). A batch is read row by row, each row its
/// own small document, so a large batch leaves no pooled buffer the size of the whole body behind it.
/// </summary>
internal static class RequestBody
{
    /// <summary>Reads the body as one row (<c>Row</c>, to dispose) or as a batch (<c>Rows</c>).</summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    /// <exception cref="BadRequestException">The batch holds more than <see cref="Batch.MaxRows"/> rows.</exception>
    public static async Task<(JsonDocument? Row, List<JsonElement>? Rows)> Read(HttpRequest request)
    {
        bool batch = await StartsWithArray(request.BodyReader);
        var stream = request.BodyReader.AsStream();
        if (!batch)
        {
            return (await JsonDocument.ParseAsync(stream), null);
        }

        var rows = new List<JsonElement>();
        await foreach (var row in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream))
        {
            if (rows.Count == Batch.MaxRows)
            {
                throw new BadRequestException($"A batch must hold 1 to {Batch.MaxRows} rows, but got more.");
            }

            rows.Add(row);
        }

        return (null, rows);
    }

    /// <summary>Whether the first byte that is not white space is '[', leaving every byte to be read.</summary>
    private static async Task<bool> StartsWithArray(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            if (FirstByte(buffer) is { } first)
            {
                reader.AdvanceTo(buffer.Start);
                return first == (byte)'[';
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start);
                return false;
            }

            reader.AdvanceTo(buffer.Start, buffer.End); // all white space so far: wait for more
        }
    }

    private static byte? FirstByte(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            foreach (byte b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
                {
                    return b;
                }
            }
        }

        return null;
    }
}
