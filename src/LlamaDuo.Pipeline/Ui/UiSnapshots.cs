using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Ui;

/// <summary>
/// What the UI pages show, as JSON read fresh from the run store (and progress.json) on each poll: the list of runs,
/// and one run's rounds, stages, live progress, losses and spend. The event stream sends a snapshot only when it changed.
/// </summary>
internal static class UiSnapshots
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Every run under <paramref name="root"/>: id, task, status, rounds, best scores, spend, why it stopped.</summary>
    public static string Runs(string root)
    {
        var runs = RunIndex.Scan(root).Select(r => new
        {
            r.Id, r.Task, r.Status, r.Rounds, r.BestSimilarity, r.BestPrecision, r.Passed, r.Message, r.Updated,
            Dollars = Spend(r.Dir),
        });
        return JsonSerializer.Serialize(new { runs }, Json);
    }

    /// <summary>One run, or null when <paramref name="dir"/> holds none.</summary>
    public static string? Run(string dir)
    {
        if (!RunStore.IsRunFolder(dir)) return null;
        using var store = RunStore.Open(dir);
        var run = store.Run;
        var costs = store.Costs();
        var (tokens, dollars) = store.TotalSpend();
        var rounds = store.Rounds().Select(r => new
        {
            r.Round, r.TrainRows, r.TestRows, r.SyntheticAdded, r.SyntheticDropped, r.Passed, r.Verdict,
            Similarity = Finite(r.Similarity?.Mean), Precision = Finite(r.Precision?.Mean),
            SimilarityCoverage = Finite(r.Similarity?.CoveragePercent), PrecisionCoverage = Finite(r.Precision?.CoveragePercent),
            Dollars = costs.Where(c => c.Round == r.Round).Sum(c => c.Dollars),
        });
        var stages = store.Stages().Select(s => new { s.Round, s.Name, Status = s.Status.ToString().ToLowerInvariant(), s.Started, s.Ended, s.Error, s.Attempts });
        var losses = store.Losses().GroupBy(l => l.Round).Select(g => new { Round = g.Key, Points = Thin(g.Select(l => new[] { l.Step, Math.Round(l.Loss, 5) }).ToList(), 400) });
        return JsonSerializer.Serialize(new
        {
            run.Id, run.Task, run.Status, run.Message, run.Created, run.Updated,
            Rounds = rounds, Stages = stages, Losses = losses,
            Progress = RunProgress.Read(store.Folder),
            Spend = new { Tokens = tokens, Dollars = dollars },
            Report = File.Exists(store.Folder.ReportPath),
        }, Json);
    }

    static double? Spend(string dir)
    {
        try
        {
            if (dir.Length == 0 || !RunStore.IsRunFolder(dir)) return null;
            using var store = RunStore.Open(dir);
            return store.TotalSpend().Dollars;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or Core.Errors.InputException) { return null; }
    }

    static double? Finite(double? x) => x is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null;

    /// <summary>At most <paramref name="max"/> points, evenly spaced, always keeping the last.</summary>
    static List<double[]> Thin(List<double[]> points, int max)
    {
        if (points.Count <= max) return points;
        var step = (double)points.Count / max;
        var thin = Enumerable.Range(0, max).Select(i => points[(int)(i * step)]).ToList();
        thin[^1] = points[^1];
        return thin;
    }
}
