using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// store.json in a run folder whose tables live in PostgreSQL: the connection string (without password) and the run's
/// id in that database, so `llamaduo status DIR`, `export` and `--resume` find the run from the folder alone.
/// </summary>
internal sealed record StorePointer(StoreLocation Location, string RunId)
{
    public const string FileName = "store.json";

    sealed record Json(
        [property: JsonPropertyName("store")] string Store,
        [property: JsonPropertyName("connection")] string Connection,
        [property: JsonPropertyName("run_id")] string RunId);

    public static StorePointer? TryRead(RunFolder folder)
    {
        var path = Path.Combine(folder.Root, FileName);
        if (!File.Exists(path)) return null;
        Json? json;
        try
        {
            json = JsonSerializer.Deserialize<Json>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InputException($"store.json is not valid JSON: {e.Message}", path, line: (int?)(e.LineNumber + 1));
        }
        if (json is null || json.Store != "postgresql" || string.IsNullOrEmpty(json.Connection) || string.IsNullOrEmpty(json.RunId))
            throw new InputException("store.json must hold store: postgresql, connection and run_id", path);
        return new StorePointer(StoreLocation.Postgres(json.Connection, field: "connection"), json.RunId);
    }

    public static void Write(RunFolder folder, StorePointer pointer) =>
        AtomicFile.WriteAllText(Path.Combine(folder.Root, FileName),
            JsonSerializer.Serialize(new Json("postgresql", pointer.Location.ConnectionString!, pointer.RunId), new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
