// Licensed under the MIT license. See LICENSE in the repository root.

using System.Data.Common;
using System.Text.Json;
using DeepOpt.AutoML.Experiment;
using DeepOpt.AutoML.SearchSpace;

namespace DeepOpt.AutoML.Storage;

/// <summary>
/// A trial store over an ADO.NET database: one table of sweeps (definition and next trial id) and one of trials. The
/// SQL is shared; a subclass says how to connect, how to lock a sweep, what time it is and how to word its errors.
/// </summary>
/// <remarks>
/// Times are Unix milliseconds. Heartbeats and reclaims use the database's clock, so workers whose clocks disagree
/// still agree on how old a heartbeat is; a store given a <see cref="TimeProvider"/> uses that clock instead (every
/// worker of the sweep must then share it, as in a test with a fake clock). Non-finite losses are stored as NULL and
/// read back as NaN.
/// </remarks>
public abstract class SqlTrialStore : ITrialStore
{
    private const string Columns = "trial_id, state, parameter, loss, metric, duration_ms, error, intermediate, "
        + "peak_memory_mb, worker_id, host, pid, started_ms, ended_ms, heartbeat_ms, metrics";

    private static readonly JsonSerializerOptions s_json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly object _schemaGate = new();
    private readonly TimeProvider? _timeProvider;
    private bool _schemaReady;

    /// <summary>Initializes a store whose heartbeats and reclaims use the database's clock.</summary>
    protected SqlTrialStore()
    {
    }

    /// <summary>Initializes a store whose heartbeats and reclaims read <paramref name="timeProvider"/> instead of the
    /// database's clock.</summary>
    /// <param name="timeProvider">The clock every worker of the sweep shares, for example a fake one in a test; null
    /// for the database's clock.</param>
    protected SqlTrialStore(TimeProvider? timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public abstract string Location { get; }

    /// <summary>Gets the SQL expression for the database's current time in Unix milliseconds.</summary>
    protected abstract string NowMilliseconds { get; }

    /// <summary>Gets the SQL for the current time in Unix milliseconds: the database's clock, or the given clock's
    /// reading as a literal.</summary>
    private string Now => _timeProvider == null
        ? NowMilliseconds
        : _timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>This process's reading of the time (the trials' start and end), from the given clock if any.</summary>
    private DateTime LocalUtcNow() => (_timeProvider ?? TimeProvider.System).GetUtcNow().UtcDateTime;

    /// <summary>Gets the clause appended to the sweep row's select to lock it for the transaction ("" when the
    /// transaction itself is the lock, as with SQLite's BEGIN IMMEDIATE).</summary>
    protected abstract string LockClause { get; }

    /// <summary>Gets a value indicating whether every worker runs on this machine, so that a running trial whose
    /// local process ended can be reclaimed at once rather than after the heartbeat timeout.</summary>
    protected virtual bool WorkersShareThisMachine => false;

    /// <inheritdoc/>
    public string OpenSweep(string sweepName, string definitionJson)
    {
        ArgumentNullException.ThrowIfNull(sweepName);
        ArgumentNullException.ThrowIfNull(definitionJson);
        return Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, $"INSERT INTO deepopt_sweeps (name, definition, next_trial_id, created_ms) "
                + $"VALUES (@name, @definition, 0, {Now}) ON CONFLICT (name) DO NOTHING",
                ("name", sweepName), ("definition", definitionJson));
            var stored = (string)Scalar(connection, transaction, "SELECT definition FROM deepopt_sweeps WHERE name = @name", ("name", sweepName))!;
            transaction.Commit();
            return stored;
        });
    }

    /// <inheritdoc/>
    public StoredTrial? StartTrial(
        string sweepName,
        WorkerIdentity worker,
        int? maxTrials,
        TimeSpan heartbeatTimeout,
        Func<int, IReadOnlyList<StoredTrial>, Parameter> propose)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(propose);
        return Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var next = Scalar(connection, transaction,
                $"SELECT next_trial_id FROM deepopt_sweeps WHERE name = @name {LockClause}", ("name", sweepName))
                ?? throw new InvalidOperationException($"The sweep '{sweepName}' does not exist in the {Location}: open it first.");
            int trialId = Convert.ToInt32(next, System.Globalization.CultureInfo.InvariantCulture);
            long now = Convert.ToInt64(Scalar(connection, transaction, $"SELECT {Now}"), System.Globalization.CultureInfo.InvariantCulture);
            var rows = ReadRows(connection, transaction, sweepName);
            for (int i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                if (row.Stored.State != TrialState.Running)
                {
                    continue;
                }

                var silence = TimeSpan.FromMilliseconds(now - row.HeartbeatMilliseconds);
                if (TrialCopies.IsAbandoned(silence, heartbeatTimeout, row.Owner, WorkersShareThisMachine, out bool gone))
                {
                    string message = TrialCopies.ReclaimMessage(row.Owner.WorkerId, silence, heartbeatTimeout, gone, worker.WorkerId);
                    Execute(connection, transaction, "UPDATE deepopt_trials SET state = @state, error = @error, ended_ms = @now "
                        + "WHERE sweep = @sweep AND trial_id = @id AND state = @running",
                        ("state", nameof(TrialState.Failed)), ("error", message), ("now", now), ("sweep", sweepName),
                        ("id", row.Stored.TrialId), ("running", nameof(TrialState.Running)));
                    rows[i] = row with { Stored = row.Stored with { Result = row.Stored.Result.Reclaimed(message, DateTime.UnixEpoch.AddMilliseconds(now)) } };
                }
            }

            if (maxTrials is { } budget && rows.Count >= budget)
            {
                transaction.Commit();
                return null;
            }

            var parameter = propose(trialId, rows.Select(r => r.Stored).ToList());
            var started = LocalUtcNow();
            Execute(connection, transaction, $"INSERT INTO deepopt_trials (sweep, {Columns}) VALUES (@sweep, @id, @state, "
                + $"@parameter, NULL, NULL, NULL, NULL, '[]', NULL, @worker, @host, @pid, @started, NULL, {Now}, NULL)",
                ("sweep", sweepName), ("id", trialId), ("state", nameof(TrialState.Running)), ("parameter", parameter.ToJson()),
                ("worker", worker.WorkerId), ("host", worker.Host), ("pid", worker.ProcessId), ("started", ToMilliseconds(started)));
            Execute(connection, transaction, "UPDATE deepopt_sweeps SET next_trial_id = @next WHERE name = @name",
                ("next", trialId + 1), ("name", sweepName));
            transaction.Commit();
            var result = TrialCopies.Running(trialId, Parameter.FromJson(parameter.ToJson()), FromMilliseconds(ToMilliseconds(started)));
            return new StoredTrial(result, worker.WorkerId, DateTime.UnixEpoch.AddMilliseconds(now));
        });
    }

    /// <inheritdoc/>
    public void ReportIntermediate(string sweepName, int trialId, IReadOnlyList<IntermediateValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Run(connection => Execute(connection, null,
            "UPDATE deepopt_trials SET intermediate = @values, loss = @loss, metric = @metric "
            + "WHERE sweep = @sweep AND trial_id = @id AND state = @running",
            ("values", JsonSerializer.Serialize(values, s_json)),
            ("loss", values.Count > 0 ? Finite(values[^1].Loss) : null),
            ("metric", values.Count > 0 ? Finite(values[^1].Metric) : null),
            ("sweep", sweepName), ("id", trialId), ("running", nameof(TrialState.Running))));
    }

    /// <inheritdoc/>
    public void Heartbeat(string sweepName, string workerId, IReadOnlyCollection<int> trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        if (trialIds.Count == 0)
        {
            return;
        }

        // Every running trial of a worker is alive while it beats: one statement for all of them.
        Run(connection => Execute(connection, null,
            $"UPDATE deepopt_trials SET heartbeat_ms = {Now} WHERE sweep = @sweep AND worker_id = @worker AND state = @running",
            ("sweep", sweepName), ("worker", workerId), ("running", nameof(TrialState.Running))));
    }

    /// <inheritdoc/>
    public bool FinishTrial(string sweepName, string workerId, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var settings = result.TrialSettings;
        return Run(connection => Execute(connection, null,
            "UPDATE deepopt_trials SET state = @state, loss = @loss, metric = @metric, duration_ms = @duration, error = @error, "
            + "intermediate = @values, peak_memory_mb = @peak, ended_ms = @ended, metrics = @metrics "
            + "WHERE sweep = @sweep AND trial_id = @id AND state = @running AND worker_id = @worker",
            ("state", result.State.ToString()), ("loss", Finite(result.Loss)), ("metric", Finite(result.Metric)),
            ("duration", Finite(result.DurationInMilliseconds)), ("error", result.ErrorMessage),
            ("values", JsonSerializer.Serialize(result.IntermediateValues, s_json)), ("peak", result.PeakMemoryInMegaByte),
            ("metrics", JsonSerializer.Serialize(result.Metrics, s_json)), ("ended", ToMilliseconds(settings.EndedAtUtc ?? LocalUtcNow())), ("sweep", sweepName), ("id", settings.TrialId),
            ("running", nameof(TrialState.Running)), ("worker", workerId)) == 1);
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredTrial> GetTrials(string sweepName) =>
        Run(connection => ReadRows(connection, null, sweepName).Select(r => r.Stored).ToList());

    /// <inheritdoc/>
    public IReadOnlyList<string> GetSweepNames() => Run(connection =>
    {
        using var command = Command(connection, null, "SELECT name FROM deepopt_sweeps", []);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        // Sorted here: the databases' collations order names differently.
        return names.Order(StringComparer.Ordinal).ToList();
    });

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connections.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Opens a connection, ready for statements (for example with pragmas set).</summary>
    /// <returns>The open connection.</returns>
    protected abstract DbConnection OpenConnection();

    /// <summary>Runs before the schema is created, inside its transaction (for example to take a lock so that
    /// workers starting together do not race on it).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction.</param>
    protected virtual void BeforeSchema(DbConnection connection, DbTransaction transaction)
    {
    }

    /// <summary>Gets the SQL that counts the columns named @column of the table named @table in the store's schema: the
    /// standard information schema unless a database words it otherwise (SQLite).</summary>
    protected virtual string ColumnCountSql => "SELECT COUNT(*) FROM information_schema.columns "
        + "WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column";

    /// <summary>Rewords a driver's exception: what failed, where, and the fix.</summary>
    /// <param name="exception">The driver's exception.</param>
    /// <returns>The exception to throw.</returns>
    protected abstract TrialStoreException Translate(Exception exception);

    /// <summary>Gets a value indicating whether an exception comes from the database or its driver.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>True to translate it.</returns>
    protected virtual bool IsDatabaseError(Exception exception) =>
        exception is DbException or TimeoutException or System.Net.Sockets.SocketException;

    /// <summary>Runs a statement.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction, or null.</param>
    /// <param name="sql">The statement, with <c>@name</c> parameters.</param>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The number of rows changed.</returns>
    protected static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private T Run<T>(Func<DbConnection, T> work)
    {
        try
        {
            using var connection = OpenConnection();
            EnsureSchema(connection);
            return work(connection);
        }
        catch (Exception ex) when (IsDatabaseError(ex))
        {
            throw Translate(ex);
        }
    }

    private void EnsureSchema(DbConnection connection)
    {
        lock (_schemaGate)
        {
            if (_schemaReady)
            {
                return;
            }

            using var transaction = connection.BeginTransaction();
            BeforeSchema(connection, transaction);
            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS deepopt_sweeps (name TEXT PRIMARY KEY, "
                + "definition TEXT NOT NULL, next_trial_id INTEGER NOT NULL, created_ms BIGINT NOT NULL)");
            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS deepopt_trials (sweep TEXT NOT NULL, "
                + "trial_id INTEGER NOT NULL, state TEXT NOT NULL, parameter TEXT NOT NULL, loss DOUBLE PRECISION NULL, "
                + "metric DOUBLE PRECISION NULL, duration_ms DOUBLE PRECISION NULL, error TEXT NULL, intermediate TEXT NOT NULL, "
                + "peak_memory_mb DOUBLE PRECISION NULL, worker_id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, "
                + "started_ms BIGINT NOT NULL, ended_ms BIGINT NULL, heartbeat_ms BIGINT NOT NULL, metrics TEXT NULL, PRIMARY KEY (sweep, trial_id))");

            // A table made before the trials' metrics were stored gets their column.
            using var columns = Command(connection, transaction, ColumnCountSql, [("table", "deepopt_trials"), ("column", "metrics")]);
            if (Convert.ToInt64(columns.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                Execute(connection, transaction, "ALTER TABLE deepopt_trials ADD COLUMN metrics TEXT NULL");
            }

            transaction.Commit();
            _schemaReady = true;
        }
    }

    private static List<Row> ReadRows(DbConnection connection, DbTransaction? transaction, string sweepName)
    {
        using var command = Command(connection, transaction,
            $"SELECT {Columns} FROM deepopt_trials WHERE sweep = @sweep ORDER BY trial_id", [("sweep", sweepName)]);
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            var state = Enum.Parse<TrialState>(reader.GetString(1));
            var result = new TrialResult
            {
                TrialSettings = new TrialSettings
                {
                    TrialId = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                    Parameter = Parameter.FromJson(reader.GetString(2)),
                    StartedAtUtc = FromMilliseconds(reader.GetInt64(12)),
                    EndedAtUtc = reader.IsDBNull(13) ? null : FromMilliseconds(reader.GetInt64(13)),
                },
                State = state,
                Loss = reader.IsDBNull(3) ? double.NaN : reader.GetDouble(3),
                Metric = reader.IsDBNull(4) ? double.NaN : reader.GetDouble(4),
                DurationInMilliseconds = reader.IsDBNull(5) ? 0 : reader.GetDouble(5),
                ErrorMessage = reader.IsDBNull(6) ? null : reader.GetString(6),
                IntermediateValues = JsonSerializer.Deserialize<List<IntermediateValue>>(reader.GetString(7), s_json) ?? [],
                PeakMemoryInMegaByte = reader.IsDBNull(8) ? null : reader.GetDouble(8),
                Metrics = reader.IsDBNull(15) ? new Dictionary<string, double>()
                    : JsonSerializer.Deserialize<Dictionary<string, double>>(reader.GetString(15), s_json) ?? [],
            };
            var owner = new WorkerIdentity(reader.GetString(9), reader.GetString(10),
                Convert.ToInt32(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture));
            long heartbeat = reader.GetInt64(14);
            rows.Add(new Row(new StoredTrial(result, owner.WorkerId, FromMilliseconds(heartbeat)), owner, heartbeat));
        }

        return rows;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static long ToMilliseconds(DateTime utc) => (long)(utc.ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds;

    private static DateTime FromMilliseconds(long milliseconds) => DateTime.UnixEpoch.AddMilliseconds(milliseconds);

    private sealed record Row(StoredTrial Stored, WorkerIdentity Owner, long HeartbeatMilliseconds);
}
