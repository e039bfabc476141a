using System.Data.Common;
using System.Globalization;
using LlamaDuo.Core.Errors;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// The run store of one run: the run, its rounds, stage statuses, rows, judgements, service calls and costs, training
/// losses, synthesis drops and provider batches. It lives either in the run folder's own SQLite file (run.db, the
/// default) or in a PostgreSQL database that a team shares (many runs, one database; the run folder then holds
/// store.json pointing at it). The same SQL serves both; every row carries its run id. Writes are idempotent (keyed
/// upserts) so a resumed run can repeat them safely; SQLite runs in WAL mode so `llamaduo status` can read while the
/// loop writes. One instance holds one connection; dispose it when done.
/// </summary>
public sealed partial class RunStore : IDisposable
{
    readonly DbConnection _db;
    readonly string _runId;

    RunStore(RunFolder folder, DbConnection db, StoreLocation location, string runId)
    {
        Folder = folder;
        _db = db;
        Location = location;
        _runId = runId;
    }

    /// <summary>The run folder this store belongs to (artifacts live there whatever the database is).</summary>
    public RunFolder Folder { get; }

    /// <summary>Where the tables are: the folder's run.db or a PostgreSQL database.</summary>
    public StoreLocation Location { get; }

    /// <summary>
    /// Creates the run folder (if needed) and its store with the run row: run.db in the folder, or, for a PostgreSQL
    /// <paramref name="location"/>, the tables in that database and store.json in the folder. A folder that already
    /// holds a run is opened instead and its run row kept (so `--resume` and a re-run of the same folder are the same call).
    /// </summary>
    public static RunStore Create(RunFolder folder, string task, StoreLocation? location = null)
    {
        location ??= StoreLocation.Sqlite;
        folder.Create();
        if (StorePointer.TryRead(folder) is { } pointer)
        {
            if (!location.IsPostgres)
                throw new InputException($"this run's store is PostgreSQL ({pointer.Location.Describe()}); run it with that store.connection", folder.Root, field: "store.connection");
            return Open(folder, pointer.Location, pointer.RunId);
        }
        if (location.IsPostgres && File.Exists(folder.DbPath))
            throw new InputException("this run's store is its run.db; resume it without store.connection (or start a new run folder)", folder.Root, field: "store.connection");

        var runId = location.IsPostgres ? $"{folder.Id}-{Guid.NewGuid().ToString("N")[..8]}" : ExistingSqliteRunId(folder) ?? folder.Id;
        var store = new RunStore(folder, Connect(folder, location), location, runId);
        store.Migrate();
        var now = Now();
        store.Execute(
            "INSERT INTO runs(id, task, created, updated, status, message, schema_version, folder) VALUES(@id, @task, @now, @now, @status, NULL, @v, @folder) ON CONFLICT(id) DO NOTHING",
            ("@id", runId), ("@folder", folder.Root), ("@task", task), ("@now", now), ("@status", RunStatus.Created), ("@v", RunSchema.Version));
        if (location.IsPostgres) StorePointer.Write(folder, new StorePointer(location, runId));
        return store;
    }

    /// <summary>Opens an existing run folder (its run.db, or the PostgreSQL run its store.json names); an InputException when it holds no run.</summary>
    public static RunStore Open(string runDir)
    {
        var folder = new RunFolder(Path.GetFullPath(runDir));
        if (StorePointer.TryRead(folder) is { } pointer) return Open(folder, pointer.Location, pointer.RunId);
        if (!File.Exists(folder.DbPath))
            throw new InputException("not a LlamaDuo run folder (no run.db or store.json); pass a folder made by `llamaduo run`", runDir);
        var runId = ExistingSqliteRunId(folder) ?? throw new InputException("run.db holds no run row", folder.DbPath);
        return Open(folder, StoreLocation.Sqlite, runId);
    }

    /// <summary>True when <paramref name="dir"/> holds a run (run.db or store.json).</summary>
    public static bool IsRunFolder(string dir) => File.Exists(Path.Combine(dir, "run.db")) || File.Exists(Path.Combine(dir, StorePointer.FileName));

    /// <summary>True when <paramref name="dir"/> holds a run with a finished stage (see <see cref="HasProgress"/>).</summary>
    public static bool HoldsProgress(string dir)
    {
        if (!IsRunFolder(dir)) return false;
        using var store = Open(dir);
        return store.HasProgress();
    }

    /// <summary>The ids of every run in a shared (PostgreSQL) store, newest first.</summary>
    public static IReadOnlyList<string> RunIds(StoreLocation location)
    {
        using var db = ConnectPostgres(location.ConnectionString ?? throw new ArgumentException("only a PostgreSQL store holds many runs", nameof(location)));
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT id FROM runs ORDER BY created DESC, id";
        var ids = new List<string>();
        try
        {
            using var r = cmd.ExecuteReader();
            while (r.Read()) ids.Add(r.GetString(0));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // A database no run has used yet holds no tables: no runs.
        }
        return ids;
    }

    /// <summary>Opens one run of a shared store by id; its folder is where the run was created.</summary>
    public static RunStore OpenById(StoreLocation location, string runId)
    {
        using var probe = ConnectPostgres(location.ConnectionString ?? throw new ArgumentException("only a PostgreSQL store holds many runs", nameof(location)));
        using var cmd = probe.CreateCommand();
        cmd.CommandText = "SELECT folder FROM runs WHERE id = @id";
        Add(cmd, "@id", runId);
        var folder = cmd.ExecuteScalar() as string ?? throw new InputException($"no run {runId} in the store", field: "run", value: runId);
        return Open(new RunFolder(folder), location, runId);
    }

    /// <summary>A second store on the same run with a connection of its own, for writers on other threads.</summary>
    public RunStore Reopen() => Open(Folder, Location, _runId);

    static RunStore Open(RunFolder folder, StoreLocation location, string runId)
    {
        var store = new RunStore(folder, Connect(folder, location), location, runId);
        store.Migrate();
        return store;
    }

    /// <summary>The run row.</summary>
    public RunInfo Run
    {
        get
        {
            using var cmd = Command("SELECT id, task, created, updated, status, message FROM runs WHERE id = @run");
            using var r = cmd.ExecuteReader();
            if (!r.Read()) throw new InvalidOperationException($"{Location.Describe()} has no run {_runId}");
            return ReadRunInfo(r);
        }
    }

    /// <summary>Sets the run's status (see <see cref="RunStatus"/>) and an optional message (verdict or error).</summary>
    public void SetStatus(string status, string? message = null) =>
        Execute("UPDATE runs SET status = @s, message = @m, updated = @now WHERE id = @run", ("@s", status), ("@m", message), ("@now", Now()));

    public void Dispose() => _db.Dispose();

    void Migrate()
    {
        // run.db files from schema 1 (before run ids were in every row) cannot be read by this code.
        if (Location.IsPostgres is false && TableExists("runs"))
        {
            using var cmd = Command("SELECT MIN(schema_version) FROM runs");
            if (cmd.ExecuteScalar() is long v && v < RunSchema.Version)
                throw new InputException($"run.db has store schema {v} from an earlier LlamaDuo; this version reads schema {RunSchema.Version}: start a new run", Folder.DbPath);
        }
        if (!Location.IsPostgres)
        {
            Execute(RunSchema.Ddl(postgres: false));
            return;
        }
        // Two processes creating the tables at once would collide in PostgreSQL's catalog; one at a time.
        using var tx = Begin();
        Execute($"SELECT pg_advisory_xact_lock({RunSchema.MigrationLockKey})");
        Execute(RunSchema.Ddl(postgres: true));
        tx.Commit();
    }

    bool TableExists(string name)
    {
        using var cmd = Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @n", ("@n", name));
        return (long)cmd.ExecuteScalar()! > 0;
    }

    static string? ExistingSqliteRunId(RunFolder folder)
    {
        if (!File.Exists(folder.DbPath)) return null;
        try
        {
            using var db = ConnectSqlite(folder.DbPath, create: false);
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT id FROM runs LIMIT 1";
            return cmd.ExecuteScalar() as string;
        }
        catch (SqliteException)
        {
            return null; // not a database, or no runs table yet (a file made but never written)
        }
    }

    static DbConnection Connect(RunFolder folder, StoreLocation location) =>
        location.IsPostgres ? ConnectPostgres(location.ConnectionString!) : ConnectSqlite(folder.DbPath, create: true);

    static SqliteConnection ConnectSqlite(string path, bool create)
    {
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false, // so disposing the store really closes the file (tests delete run folders)
            DefaultTimeout = 30,
        }.ToString();
        var db = new SqliteConnection(cs);
        db.Open();
        using var pragma = db.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
        pragma.ExecuteNonQuery();
        return db;
    }

    internal static NpgsqlConnection ConnectPostgres(string connectionString)
    {
        var db = new NpgsqlConnection(connectionString);
        try
        {
            db.Open();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            db.Dispose();
            throw new InputException($"cannot reach the PostgreSQL run store: {e.Message}", field: "store.connection",
                value: StoreLocation.Postgres(connectionString).Describe());
        }
        return db;
    }

    internal DbCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        Add(cmd, "@run", _runId);
        foreach (var (name, value) in args) Add(cmd, name, value);
        return cmd;
    }

    static void Add(DbCommand cmd, string name, object? value)
    {
        // Only parameters the SQL names: "@r" must not match inside "@run".
        if (!System.Text.RegularExpressions.Regex.IsMatch(cmd.CommandText, System.Text.RegularExpressions.Regex.Escape(name) + "(?![A-Za-z0-9_])")) return;
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    internal int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        return cmd.ExecuteNonQuery();
    }

    internal DbTransaction Begin() => _db.BeginTransaction();

    internal static RunInfo ReadRunInfo(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Time(r.GetString(2)), Time(r.GetString(3)), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5));

    internal static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
