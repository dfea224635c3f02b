// Licensed under the MIT license. See LICENSE in the repository root.

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// Opens the trial store a path or connection string names.
/// </summary>
public static class TrialStores
{
    /// <summary>Opens a store: PostgreSQL for a connection string with <c>Host=</c>, SQLite for a file path or a
    /// connection string with <c>Data Source=</c> (or <c>Filename=</c>).</summary>
    /// <param name="pathOrConnectionString">For example <c>sweep.db</c>, <c>Data Source=sweep.db</c> or
    /// <c>Host=db;Username=u;Password=p;Database=sweeps</c>.</param>
    /// <returns>The store.</returns>
    public static ITrialStore Open(string pathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var keys = pathOrConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => part.Contains('=', StringComparison.Ordinal))
            .Select(part => part[..part.IndexOf('=', StringComparison.Ordinal)].Trim().Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        if (keys.Contains("HOST") || keys.Contains("SERVER"))
        {
            return new PostgresTrialStore(pathOrConnectionString);
        }

        if (keys.Count == 0 || keys.Contains("DATASOURCE") || keys.Contains("FILENAME"))
        {
            return new SqliteTrialStore(pathOrConnectionString);
        }

        throw new ArgumentException(
            $"Cannot tell which database '{pathOrConnectionString}' names: pass a file path or `Data Source=<path>` for "
            + "SQLite, or `Host=...;Username=...;Password=...;Database=...` for PostgreSQL.", nameof(pathOrConnectionString));
    }
}
