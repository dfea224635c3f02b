// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.Trainers.Tests;

/// <summary>A new folder under the system's temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("deepopt-test-").FullName;

    /// <summary>The path of <paramref name="name"/> in the folder.</summary>
    public string File(string name) => Path.Combine(_path, name);

    public void Dispose() => Directory.Delete(_path, recursive: true);
}
