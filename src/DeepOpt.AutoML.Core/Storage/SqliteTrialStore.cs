// Licensed under the MIT license. See LICENSE in the repository root.

using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// Keeps trials in a SQLite file, so a sweep resumes after its process dies; several processes on this machine can
/// share the file.
/// </summary>
/// <remarks>
/// The file runs in write-ahead-log mode with full synchronisation: a trial that was told is on disk, even if the
/// process is killed the next instant. Trial ids are reserved under <c>BEGIN IMMEDIATE</c>, which admits one writer
/// at a time. A writer waits for a lock up to the connection string's <c>Default Timeout</c> (30 s unless set). As every
/// worker of a SQLite sweep runs on this machine, a running trial whose process has ended is reclaimed at once; one
/// whose process lives but stopped beating is reclaimed after the heartbeat timeout.
/// </remarks>
public sealed class SqliteTrialStore : SqlTrialStore
{
    private readonly string _connectionString;
    private readonly string _file;
    private readonly int _timeoutSeconds;
    private bool _journalReady;

    /// <summary>Initializes a store on a SQLite file, created when missing.</summary>
    /// <param name="pathOrConnectionString">A file path, or a connection string such as <c>Data Source=sweep.db</c>.</param>
    public SqliteTrialStore(string pathOrConnectionString)
        : this(null, pathOrConnectionString)
    {
    }

    /// <summary>Initializes a store on a SQLite file whose heartbeats and reclaims read <paramref name="timeProvider"/>
    /// instead of SQLite's clock.</summary>
    /// <param name="pathOrConnectionString">A file path, or a connection string such as <c>Data Source=sweep.db</c>.</param>
    /// <param name="timeProvider">The clock every worker of the sweep shares, for example a fake one in a test.</param>
    public SqliteTrialStore(string pathOrConnectionString, TimeProvider timeProvider)
        : this(timeProvider ?? throw new ArgumentNullException(nameof(timeProvider)), pathOrConnectionString)
    {
    }

    private SqliteTrialStore(TimeProvider? timeProvider, string pathOrConnectionString)
        : base(timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException(
                $"The SQLite connection string '{pathOrConnectionString}' names no file: add `Data Source=<path>`.",
                nameof(pathOrConnectionString));
        }

        _file = builder.DataSource;
        _timeoutSeconds = builder.DefaultTimeout;
        _connectionString = builder.ToString();
    }

    /// <inheritdoc/>
    public override string Location => $"SQLite file '{_file}'";

    /// <inheritdoc/>
    protected override string NowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    /// <inheritdoc/>
    protected override string LockClause => string.Empty;

    /// <inheritdoc/>
    protected override bool WorkersShareThisMachine => true;

    /// <inheritdoc/>
    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            if (!_journalReady)
            {
                // Persistent in the file; a no-op once set. WAL lets readers go on while a trial is written.
                Execute(connection, null, "PRAGMA journal_mode = WAL");
                _journalReady = true;
            }

            Execute(connection, null, "PRAGMA synchronous = FULL");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override string ColumnCountSql => "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column";

    /// <inheritdoc/>
    protected override TrialStoreException Translate(Exception exception)
    {
        int code = exception is SqliteException sqlite ? sqlite.SqliteErrorCode : -1;
        string message = code switch
        {
            5 or 6 => $"The {Location} is locked by another connection or process (waited {_timeoutSeconds} s): close the "
                + "program holding it, or raise `Default Timeout` in the connection string.",
            11 or 26 => $"The {Location} is not a database (file is corrupt?): delete it or pass another path.",
            14 => $"Cannot open the {Location}: check that its folder exists and is writable, or pass another path.",
            8 => $"The {Location} is read-only: make it writable or pass another path.",
            13 => $"The disk holding the {Location} is full: free space or pass a path on another disk.",
            _ => $"The {Location} failed: {exception.Message}",
        };
        return new TrialStoreException(message, exception);
    }
}
