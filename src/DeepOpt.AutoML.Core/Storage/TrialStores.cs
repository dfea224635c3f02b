// Licensed under the MIT license. See LICENSE in the repository root.

using Microsoft.Data.Sqlite;

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
    public static ITrialStore Open(string pathOrConnectionString) => IsPostgres(pathOrConnectionString)
        ? new PostgresTrialStore(pathOrConnectionString)
        : new SqliteTrialStore(pathOrConnectionString);

    /// <summary>The file a SQLite path or connection string names, or null for PostgreSQL and in-memory SQLite.</summary>
    internal static string? SqliteFile(string pathOrConnectionString)
    {
        if (IsPostgres(pathOrConnectionString))
        {
            return null;
        }

        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        bool inMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource == ":memory:" || string.IsNullOrWhiteSpace(builder.DataSource);
        return inMemory ? null : builder.DataSource;
    }

    private static bool IsPostgres(string pathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var keys = pathOrConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(part => part.Contains('=', StringComparison.Ordinal))
            .Select(part => part[..part.IndexOf('=', StringComparison.Ordinal)].Trim().Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        if (keys.Contains("HOST") || keys.Contains("SERVER"))
        {
            return true;
        }

        if (keys.Count == 0 || keys.Contains("DATASOURCE") || keys.Contains("FILENAME"))
        {
            return false;
        }

        throw new ArgumentException(
            $"Cannot tell which database '{pathOrConnectionString}' names: pass a file path or `Data Source=<path>` for "
            + "SQLite, or `Host=...;Username=...;Password=...;Database=...` for PostgreSQL.", nameof(pathOrConnectionString));
    }
}
