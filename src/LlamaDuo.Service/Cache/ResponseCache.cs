using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Cache;

/// <summary>
/// Responses stored in one SQLite file, keyed by <see cref="CacheKey"/>. Rows hold the key, provider, model, time
/// and the response as MEAI JSON (text, usage, finish reason); never a request header or a credential.
/// Safe to share between threads: one connection behind a lock (the calls it saves cost seconds; a lookup costs
/// microseconds).
/// </summary>
public sealed class ResponseCache : IDisposable
{
    readonly SqliteConnection _db;
    readonly Lock _lock = new();

    /// <summary>Opens (creating if needed) the cache file at <paramref name="path"/>.</summary>
    public ResponseCache(string path)
    {
        Path = path;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("""
            CREATE TABLE IF NOT EXISTS responses (
                key TEXT PRIMARY KEY, provider TEXT NOT NULL, model TEXT NOT NULL,
                created_at TEXT NOT NULL, response TEXT NOT NULL);
            """);
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>Rows stored.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                using var cmd = _db.CreateCommand();
                cmd.CommandText = "SELECT COUNT(*) FROM responses";
                return (long)cmd.ExecuteScalar()!;
            }
        }
    }

    /// <summary>The stored response for <paramref name="key"/>, or null.</summary>
    public ChatResponse? TryGet(string key)
    {
        string? json;
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT response FROM responses WHERE key = $key";
            cmd.Parameters.AddWithValue("$key", key);
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
            using var cmd = _db.CreateCommand();
            cmd.CommandText = """
                INSERT OR REPLACE INTO responses (key, provider, model, created_at, response)
                VALUES ($key, $provider, $model, $created, $response)
                """;
            cmd.Parameters.AddWithValue("$key", key);
            cmd.Parameters.AddWithValue("$provider", provider);
            cmd.Parameters.AddWithValue("$model", model);
            cmd.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O"));
            cmd.Parameters.AddWithValue("$response", json);
            cmd.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }

    void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
