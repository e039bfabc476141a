using System.Data.Common;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Runs;

/// <summary>
/// The list of runs: every folder under a runs root (default ./runs) that holds a run (run.db, or store.json pointing
/// into a shared PostgreSQL store), or every run in one shared store. Nothing else is kept, so moving or deleting a
/// run folder is all it takes to move or forget a run.
/// </summary>
public static class RunIndex
{
    /// <summary>The runs root used when none is given.</summary>
    public const string DefaultRoot = "runs";

    /// <summary>Summaries of the runs under <paramref name="root"/>, newest first. A folder whose store cannot be read is listed as "unreadable".</summary>
    public static IReadOnlyList<RunSummary> Scan(string root)
    {
        if (!Directory.Exists(root)) return [];
        var list = new List<RunSummary>();
        foreach (var dir in Directory.EnumerateDirectories(root))
            if (RunStore.IsRunFolder(dir)) list.Add(Summarize(dir));
        return Newest(list);
    }

    /// <summary>Summaries of every run in a shared PostgreSQL store, newest first, wherever their folders are.</summary>
    public static IReadOnlyList<RunSummary> Scan(StoreLocation store)
    {
        var list = new List<RunSummary>();
        foreach (var id in RunStore.RunIds(store))
        {
            try
            {
                using var s = RunStore.OpenById(store, id);
                list.Add(Summarize(s));
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or FormatException)
            {
                list.Add(Unreadable(id, "", e));
            }
        }
        return Newest(list);
    }

    /// <summary>The summary of one run folder.</summary>
    public static RunSummary Summarize(string dir)
    {
        try
        {
            using var store = RunStore.Open(dir);
            return Summarize(store);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or FormatException or Core.Errors.InputException)
        {
            return Unreadable(Path.GetFileName(dir), Path.GetFullPath(dir), e);
        }
    }

    static RunSummary Summarize(RunStore store)
    {
        var run = store.Run;
        var rounds = store.Rounds();
        var best = Loop.BestRound.Of(rounds);
        return new RunSummary(run.Id, store.Folder.Root, run.Task, run.Status, run.Created, run.Updated, rounds.Count,
            best?.Similarity?.Mean, best?.Precision?.Mean, rounds.Any(r => r.Passed), run.Message);
    }

    static RunSummary Unreadable(string id, string dir, Exception e) =>
        new(id, dir, "?", "unreadable", null, null, 0, null, null, false, e.Message);

    static List<RunSummary> Newest(List<RunSummary> list) =>
        list.OrderByDescending(r => r.Created ?? DateTimeOffset.MinValue).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
}
