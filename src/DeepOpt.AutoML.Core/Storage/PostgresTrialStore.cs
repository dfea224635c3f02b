// Licensed under the MIT license. See LICENSE in the repository root.

using System.Data.Common;
using Npgsql;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// Keeps trials in a PostgreSQL database, so that many worker processes, on one machine or many, run one sweep.
/// </summary>
/// <remarks>
/// A trial starts in one transaction that locks its sweep's row (<c>SELECT ... FOR UPDATE</c>): workers reserve ids
/// and propose one after another, each seeing every trial the others started. Heartbeats and reclaims use the
/// server's clock (or the <see cref="TimeProvider"/> the store was given). The tables are created on first use (under
/// an advisory lock, so workers starting together do not race); the database itself must exist.
/// </remarks>
public sealed class PostgresTrialStore : SqlTrialStore
{
    private const long SchemaLockKey = 0x6465_6570_6f70_74; // "deepopt"

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _server;
    private readonly string _user;
    private readonly string _database;

    /// <summary>Initializes a store on a PostgreSQL database.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example
    /// <c>Host=db.example;Port=5432;Username=sweeper;Password=...;Database=sweeps</c>.</param>
    public PostgresTrialStore(string connectionString)
        : this(null, connectionString)
    {
    }

    /// <summary>Initializes a store on a PostgreSQL database whose heartbeats and reclaims read
    /// <paramref name="timeProvider"/> instead of the server's clock.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="timeProvider">The clock every worker of the sweep shares, for example a fake one in a test.</param>
    public PostgresTrialStore(string connectionString, TimeProvider timeProvider)
        : this(timeProvider ?? throw new ArgumentNullException(nameof(timeProvider)), connectionString)
    {
    }

    private PostgresTrialStore(TimeProvider? timeProvider, string connectionString)
        : base(timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message} Write it as "
                + "`Host=...;Port=...;Username=...;Password=...;Database=...`.", nameof(connectionString), ex);
        }

        _server = $"{builder.Host}:{builder.Port}";
        _user = builder.Username ?? Environment.UserName;
        _database = builder.Database ?? _user;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc/>
    public override string Location => $"PostgreSQL database '{_database}' at {_server}";

    /// <inheritdoc/>
    protected override string NowMilliseconds => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    /// <inheritdoc/>
    protected override string LockClause => "FOR UPDATE";

    /// <inheritdoc/>
    protected override DbConnection OpenConnection() => _dataSource.OpenConnection();

    /// <inheritdoc/>
    protected override void BeforeSchema(DbConnection connection, DbTransaction transaction) =>
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({SchemaLockKey})");

    /// <inheritdoc/>
    protected override TrialStoreException Translate(Exception exception)
    {
        string message = exception switch
        {
            PostgresException { SqlState: "28P01" or "28000" } login =>
                $"PostgreSQL at {_server} refused the login of user '{_user}' ({login.MessageText}): check Username and "
                + "Password in the connection string, and the server's pg_hba.conf.",
            PostgresException { SqlState: "3D000" } =>
                $"PostgreSQL at {_server} has no database '{_database}': create it (createdb {_database}) or fix "
                + "Database in the connection string.",
            PostgresException { SqlState: "42501" } denied =>
                $"User '{_user}' may not use the {Location} ({denied.MessageText}): grant it CREATE and USAGE on the "
                + "schema, or connect as its owner.",
            PostgresException other => $"The {Location} failed: {other.SqlState} {other.MessageText}",
            _ when IsUnreachable(exception) =>
                $"Cannot reach PostgreSQL at {_server} ({Innermost(exception).Message}): check Host and Port in the "
                + "connection string, that the server runs and listens on TCP (listen_addresses, firewall), or raise "
                + "Timeout in the connection string.",
            _ => $"The {Location} failed: {exception.Message}",
        };
        return new TrialStoreException(message, exception);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dataSource.Dispose();
        }
    }

    private static bool IsUnreachable(Exception exception)
    {
        for (var e = exception; e != null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException or TimeoutException or System.IO.IOException)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException != null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
