using LlamaDuo.Core.Errors;
using Npgsql;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// Where a run's tables live: the run folder's own SQLite file, or a PostgreSQL database given by an Npgsql
/// connection string (for example "Host=db.internal;Database=llamaduo;Username=alice"). The password never goes in a
/// file: Npgsql reads it from PGPASSWORD or ~/.pgpass, and <see cref="Postgres"/> refuses a string that carries one.
/// </summary>
public sealed record StoreLocation
{
    StoreLocation(string? connectionString) => ConnectionString = connectionString;

    /// <summary>The folder's run.db.</summary>
    public static StoreLocation Sqlite { get; } = new((string?)null);

    /// <summary>The PostgreSQL connection string (no password), or null for SQLite.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgres => ConnectionString is not null;

    /// <summary>A PostgreSQL store; an InputException when the string does not parse or holds a password.</summary>
    public static StoreLocation Postgres(string connectionString, string field = "store.connection")
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"not a PostgreSQL connection string ({e.Message}); for example Host=localhost;Database=llamaduo;Username=me",
                field: field, value: Redacted(connectionString));
        }
        if (!string.IsNullOrEmpty(builder.Password))
            throw new InputException("the connection string holds a password, which would be written to disk with the run; " +
                "put it in PGPASSWORD or ~/.pgpass instead", field: field, value: Redacted(connectionString));
        if (string.IsNullOrEmpty(builder.Host))
            throw new InputException("the connection string names no Host", field: field, value: connectionString);
        return new StoreLocation(builder.ConnectionString);
    }

    /// <summary>For messages: "run.db" or "PostgreSQL Host=...;Database=...".</summary>
    public string Describe() => ConnectionString is null ? "run.db" : $"PostgreSQL {ConnectionString}";

    static string Redacted(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(b.Password)) b.Password = "***";
            return b.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unparseable; not shown in case it holds a password)";
        }
    }
}
