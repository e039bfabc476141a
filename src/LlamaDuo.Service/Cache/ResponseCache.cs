using System.Data.Common;
using System.Text.Json;
using LlamaDuo.Core.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Npgsql;

namespace LlamaDuo.Service.Cache;

/// <summary>
/// Responses keyed by <see cref="CacheKey"/>, in one SQLite file (a run's cache.db) or in a PostgreSQL database a team
/// shares, so one person's paid judge and synthesis calls answer everyone's identical calls. Rows hold the key,
/// provider, model, time and the response as MEAI JSON (text, usage, finish reason); never a request header or a
/// credential. Safe to share between threads: one connection behind a lock (the calls it saves cost seconds; a
/// lookup costs microseconds or a loopback round trip).
/// </summary>
public sealed class ResponseCache : IDisposable
{
    /// <summary>pg_advisory_xact_lock key that serialises creating the table ("LDRC").</summary>
    const long TableLockKey = 0x4C445243;

    readonly DbConnection _db;
    readonly Lock _lock = new();

    /// <summary>Opens (creating if needed) the SQLite cache file at <paramref name="path"/>.</summary>
    public ResponseCache(string path)
    {
        Path = path;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute(Ddl);
    }

    ResponseCache(DbConnection db, string description)
    {
        _db = db;
        Path = description;
    }

    /// <summary>
    /// Opens (creating the table if needed) the shared cache in a PostgreSQL database, given an Npgsql connection
    /// string; the password comes from PGPASSWORD or ~/.pgpass. An InputException when the server cannot be reached.
    /// </summary>
    public static ResponseCache Postgres(string connectionString)
    {
        var db = new NpgsqlConnection(connectionString);
        try
        {
            db.Open();
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException)
        {
            db.Dispose();
            throw new InputException($"cannot reach the PostgreSQL response cache: {e.Message}", field: "store.connection");
        }
        var cache = new ResponseCache(db, $"PostgreSQL {new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString}");
        using var tx = db.BeginTransaction();
        cache.Execute($"SELECT pg_advisory_xact_lock({TableLockKey})");
        cache.Execute(Ddl);
        tx.Commit();
        return cache;
    }

    const string Ddl = """
        CREATE TABLE IF NOT EXISTS responses (
            key TEXT PRIMARY KEY, provider TEXT NOT NULL, model TEXT NOT NULL,
            created_at TEXT NOT NULL, response TEXT NOT NULL);
        """;

    /// <summary>The cache file, or "PostgreSQL" and the connection string (without password).</summary>
    public string Path { get; }

    /// <summary>Rows stored.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                using var cmd = Command("SELECT COUNT(*) FROM responses");
                return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>The stored response for <paramref name="key"/>, or null.</summary>
    public ChatResponse? TryGet(string key)
    {
        string? json;
        lock (_lock)
        {
            using var cmd = Command("SELECT response FROM responses WHERE key = @key", ("@key", key));
            json = cmd.ExecuteScalar() as string;
        }
        return json is null ? null : JsonSerializer.Deserialize<ChatResponse>(json, AIJsonUtilities.DefaultOptions);
    }

    /// <summary>Stores (or replaces) the response for <paramref name="key"/>.</summary>
    public void Put(string key, string provider, string model, ChatResponse response)
    {
        var json = JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions);
        lock (_lock)
        {
            using var cmd = Command("""
                INSERT INTO responses (key, provider, model, created_at, response) VALUES (@key, @provider, @model, @created, @response)
                ON CONFLICT(key) DO UPDATE SET provider = excluded.provider, model = excluded.model,
                  created_at = excluded.created_at, response = excluded.response
                """,
                ("@key", key), ("@provider", provider), ("@model", model), ("@created", DateTimeOffset.UtcNow.ToString("O")), ("@response", json));
            cmd.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }

    DbCommand Command(string sql, params (string Name, object Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }
}
