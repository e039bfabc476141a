using LlamaDuo.Pipeline.Store;
using Microsoft.Data.Sqlite;

namespace LlamaDuo.Pipeline.Runs;

/// <summary>
/// The global list of runs: every folder under a runs root (default ./runs) that holds a run.db. Nothing else is
/// kept, so moving or deleting a run folder is all it takes to move or forget a run.
/// </summary>
public static class RunIndex
{
    /// <summary>The runs root used when none is given.</summary>
    public const string DefaultRoot = "runs";

    /// <summary>Summaries of the runs under <paramref name="root"/>, newest first. A folder whose run.db cannot be read is listed as "unreadable".</summary>
    public static IReadOnlyList<RunSummary> Scan(string root)
    {
        if (!Directory.Exists(root)) return [];
        var list = new List<RunSummary>();
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (!File.Exists(Path.Combine(dir, "run.db"))) continue;
            list.Add(Summarize(dir));
        }
        return list.OrderByDescending(r => r.Created ?? DateTimeOffset.MinValue).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The summary of one run folder.</summary>
    public static RunSummary Summarize(string dir)
    {
        try
        {
            using var store = RunStore.Open(dir);
            var run = store.Run;
            var rounds = store.Rounds();
            var best = rounds.Where(r => r.Similarity is not null && r.Precision is not null)
                .OrderByDescending(r => r.Passed).ThenByDescending(r => Math.Min(r.Similarity!.Mean, r.Precision!.Mean)).FirstOrDefault();
            return new RunSummary(run.Id, Path.GetFullPath(dir), run.Task, run.Status, run.Created, run.Updated, rounds.Count,
                best?.Similarity?.Mean, best?.Precision?.Mean, rounds.Any(r => r.Passed), run.Message);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or FormatException)
        {
            return new RunSummary(Path.GetFileName(dir), Path.GetFullPath(dir), "?", "unreadable", null, null, 0, null, null, false, e.Message);
        }
    }
}
