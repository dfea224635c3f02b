// Licensed under the MIT license. See LICENSE in the repository root.

using System.Buffers.Binary;
using Tensorboard;

namespace DeepOpt.Reports.Tests.Support;

/// <summary>
/// Reads TensorBoard event files the way TensorBoard does: TFRecord framing (little-endian uint64 length, masked
/// CRC-32C of the length, the Event protobuf, masked CRC-32C of the data), every checksum verified.
/// </summary>
internal static class EventFile
{
    /// <summary>Reads every event of every event file in a folder (not its sub-folders), in file then record order.</summary>
    /// <param name="folder">A run's folder.</param>
    /// <returns>The events.</returns>
    public static List<Event> ReadRun(string folder) =>
        Directory.GetFiles(folder, "events.out.tfevents.*").Order(StringComparer.Ordinal).SelectMany(Read).ToList();

    /// <summary>Reads one event file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its events.</returns>
    public static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.IsTrue(at + 12 <= bytes.Length, $"{path}: truncated record header at {at}");
            var lengthBytes = bytes.AsSpan(at, 8);
            long length = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
            Assert.AreEqual(MaskedCrc(lengthBytes), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)), $"{path}: length checksum at {at}");
            var data = bytes.AsSpan(at + 12, (int)length);
            Assert.AreEqual(MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)), $"{path}: data checksum at {at}");
            events.Add(Event.Parser.ParseFrom(data.ToArray()));
            at += 12 + (int)length + 4;
        }

        return events;
    }

    /// <summary>The scalars of a run under one tag, by step.</summary>
    /// <param name="events">The run's events.</param>
    /// <param name="tag">The tag.</param>
    /// <returns>Step and value pairs, in the order written.</returns>
    public static List<(long Step, float Value)> Scalars(IEnumerable<Event> events, string tag) =>
        events.Where(e => e.Summary != null).SelectMany(e => e.Summary.Value.Where(v => v.Tag == tag).Select(v => (e.Step, v.SimpleValue))).ToList();

    /// <summary>The texts of a run under one tag (TensorBoard's text plugin appends "/text_summary").</summary>
    /// <param name="events">The run's events.</param>
    /// <param name="tag">The tag as written.</param>
    /// <returns>The texts, in the order written.</returns>
    public static List<string> Texts(IEnumerable<Event> events, string tag) =>
        events.Where(e => e.Summary != null).SelectMany(e => e.Summary.Value)
            .Where(v => v.Tag == $"{tag}/text_summary" && v.Tensor != null).Select(v => v.Tensor.StringVal[0].ToStringUtf8()).ToList();

    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8U;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
