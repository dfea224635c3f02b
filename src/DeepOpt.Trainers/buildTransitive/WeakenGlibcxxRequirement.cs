// Licensed under the MIT license. See LICENSE in the repository root.
// Compiled by MSBuild's RoslynCodeTaskFactory from DeepOpt.Trainers.targets; not part of the DeepOpt.Trainers assembly.

#nullable enable
using System;
using System.IO;
using System.Text;

/// <summary>
/// Marks one symbol-version requirement of an ELF64 shared library weak (<c>VER_FLG_WEAK</c> in its
/// <c>.gnu.version_r</c> section), so that the dynamic loader accepts a host library that lacks that version.
/// Runs only when the host's libstdc++ does not define the version; patching twice changes nothing.
/// </summary>
public class DeepOptWeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
{
    private const uint SectionTypeVersionNeeds = 0x6ffffffe;
    private const ushort VersionFlagWeak = 0x2;

    private static readonly string[] s_libStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    [Microsoft.Build.Framework.Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        string? hostLibrary = null;
        foreach (var candidate in s_libStdCxxCandidates)
        {
            if (File.Exists(candidate))
            {
                hostLibrary = candidate;
                break;
            }
        }

        if (hostLibrary == null)
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "DeepOpt: no libstdc++.so.6 found on this host; TorchSharp's native library is left as it is.");
            return true;
        }

        if (Contains(File.ReadAllBytes(hostLibrary), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"DeepOpt: {hostLibrary} defines {Version}; nothing to patch.");
            return true;
        }

        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var outcome = MarkWeak(path, Version);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"DeepOpt: {path}: {outcome}");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                Log.LogWarning($"DeepOpt: could not mark {Version} weak in '{path}': {ex.Message}. TorchSharp may fail to load on this host; see the README section on libstdc++.");
            }
        }

        return !Log.HasLoggedErrors;
    }

    private static string MarkWeak(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF files are handled");
        }

        long sectionTable = (long)BitConverter.ToUInt64(bytes, 0x28);
        int sectionSize = BitConverter.ToUInt16(bytes, 0x3A);
        int sectionCount = BitConverter.ToUInt16(bytes, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionTable + (long)s * sectionSize;
            if (BitConverter.ToUInt32(bytes, (int)header + 4) != SectionTypeVersionNeeds)
            {
                continue;
            }

            long needs = (long)BitConverter.ToUInt64(bytes, (int)header + 24);
            int stringSection = (int)BitConverter.ToUInt32(bytes, (int)header + 40);
            int needCount = (int)BitConverter.ToUInt32(bytes, (int)header + 44);
            long strings = (long)BitConverter.ToUInt64(bytes, (int)(sectionTable + (long)stringSection * sectionSize) + 24);

            long need = needs;
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(bytes, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(bytes, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    long name = strings + BitConverter.ToUInt32(bytes, (int)aux + 8);
                    if (ReadString(bytes, (int)name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(bytes, (int)aux + 4);
                        if ((flags & VersionFlagWeak) != 0)
                        {
                            return $"{version} is already weak";
                        }

                        flags |= VersionFlagWeak;
                        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                        {
                            stream.Position = aux + 4;
                            stream.Write(BitConverter.GetBytes(flags), 0, 2);
                        }

                        return $"marked {version} weak";
                    }

                    aux += BitConverter.ToUInt32(bytes, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(bytes, (int)need + 12);
            }
        }

        return $"does not require {version}";
    }

    private static string ReadString(byte[] bytes, int start)
    {
        int end = start;
        while (end < bytes.Length && bytes[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return true;
            }
        }

        return false;
    }
}
