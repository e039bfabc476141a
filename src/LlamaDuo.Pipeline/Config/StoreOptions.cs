namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// YAML <c>store:</c> where the run's tables and response cache live. Unset: the run folder's own run.db and cache.db
/// (SQLite). Set to an Npgsql connection string, for example "Host=db.internal;Database=llamaduo;Username=alice":
/// a PostgreSQL database a team shares, holding every run's tables and one response cache for all of them. The
/// password is never written here (the run saves this config); Npgsql reads it from PGPASSWORD or ~/.pgpass.
/// </summary>
public sealed record StoreOptions
{
    public string? Connection { get; init; }

    /// <summary>The store this section selects.</summary>
    public Store.StoreLocation Location() => Connection is null ? Store.StoreLocation.Sqlite : Store.StoreLocation.Postgres(Connection);
}
