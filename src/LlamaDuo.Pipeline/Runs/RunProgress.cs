using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Runs;

/// <summary>
/// Where the running stage is (progress.json in the run folder): round, stage, done of total, a detail such as the
/// training loss, and when. `llamaduo ui` reads it to show a stage moving; the run store holds everything else.
/// </summary>
internal sealed record RunProgress(
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("done")] long Done,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("updated")] DateTimeOffset Updated)
{
    /// <summary>The file's name in the run folder.</summary>
    public const string FileName = "progress.json";

    /// <summary>The last progress a run wrote, or null (none yet, or a torn file: the next write replaces it).</summary>
    public static RunProgress? Read(RunFolder folder)
    {
        var path = Path.Combine(folder.Root, FileName);
        try { return File.Exists(path) ? JsonSerializer.Deserialize<RunProgress>(File.ReadAllText(path)) : null; }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }
}

/// <summary>Writes a run's progress.json, at most four times a second (and always the last step of a stage).</summary>
public sealed class RunProgressWriter(RunFolder folder)
{
    readonly Lock _lock = new();
    long _last = long.MinValue;

    public void Report(int round, string stage, long done, long total, string? detail = null)
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            if (done < total && _last != long.MinValue && Stopwatch.GetElapsedTime(_last, now) < TimeSpan.FromMilliseconds(250)) return;
            _last = now;
            // Written beside and renamed over, so a reader never sees half a file; not fsynced: it is a display, and a
            // crash that loses it loses nothing (the next report replaces it).
            var path = Path.Combine(folder.Root, RunProgress.FileName);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(new RunProgress(round, stage, done, total, detail, DateTimeOffset.UtcNow)));
            File.Move(temp, path, overwrite: true);
        }
    }
}
