using System.Globalization;
using LlamaDuo.Core.Errors;
using Microsoft.Data.Sqlite;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// The SQLite run store (run.db) of one run folder: the run, its rounds, stage statuses, rows, judgements, service
/// calls and costs, training losses and synthesis drops. Writes are idempotent (keyed upserts) so a resumed run can
/// repeat them safely, and the database is in WAL mode so `llamaduo status` can read while the loop writes.
/// One instance holds one connection; dispose it when done.
/// </summary>
public sealed partial class RunStore : IDisposable
{
    readonly SqliteConnection _db;

    RunStore(RunFolder folder, SqliteConnection db)
    {
        Folder = folder;
        _db = db;
    }

    /// <summary>The run folder this store lives in.</summary>
    public RunFolder Folder { get; }

    /// <summary>
    /// Creates the run folder (if needed) and its run.db with the run row. If the folder already holds a run.db, it
    /// is opened instead and the run row kept (so `--resume` and a re-run of the same folder are the same call).
    /// </summary>
    public static RunStore Create(RunFolder folder, string task)
    {
        folder.Create();
        var store = new RunStore(folder, Connect(folder.DbPath, create: true));
        store.Execute(RunSchema.Ddl);
        var now = Now();
        store.Execute(
            "INSERT OR IGNORE INTO runs(id, task, created, updated, status, message, schema_version) VALUES($id, $task, $now, $now, $status, NULL, $v)",
            ("$id", folder.Id), ("$task", task), ("$now", now), ("$status", RunStatus.Created), ("$v", RunSchema.Version));
        return store;
    }

    /// <summary>Opens an existing run folder; an InputException when it has no run.db.</summary>
    public static RunStore Open(string runDir)
    {
        var folder = new RunFolder(Path.GetFullPath(runDir));
        if (!File.Exists(folder.DbPath))
            throw new InputException("not a LlamaDuo run folder (no run.db); pass a folder made by `llamaduo run`", runDir);
        var store = new RunStore(folder, Connect(folder.DbPath, create: false));
        store.Execute(RunSchema.Ddl);
        return store;
    }

    /// <summary>The run row.</summary>
    public RunInfo Run
    {
        get
        {
            using var cmd = Command("SELECT id, task, created, updated, status, message FROM runs LIMIT 1");
            using var r = cmd.ExecuteReader();
            if (!r.Read()) throw new InvalidOperationException($"{Folder.DbPath} has no run row");
            return new RunInfo(r.GetString(0), r.GetString(1), Time(r.GetString(2)), Time(r.GetString(3)), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5));
        }
    }

    /// <summary>Sets the run's status (see <see cref="RunStatus"/>) and an optional message (verdict or error).</summary>
    public void SetStatus(string status, string? message = null) =>
        Execute("UPDATE runs SET status = $s, message = $m, updated = $now", ("$s", status), ("$m", message), ("$now", Now()));

    public void Dispose() => _db.Dispose();

    static SqliteConnection Connect(string path, bool create)
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

    internal SqliteCommand Command(string sql, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    internal int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, args);
        return cmd.ExecuteNonQuery();
    }

    internal SqliteTransaction Begin() => _db.BeginTransaction();

    internal static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
