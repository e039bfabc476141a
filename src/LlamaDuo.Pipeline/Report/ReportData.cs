using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Report;

/// <summary>Everything report.html shows, read from run.db in one go.</summary>
internal sealed record ReportData(
    RunInfo Run,
    IReadOnlyList<RoundMetrics> Rounds,
    IReadOnlyList<LossPoint> Losses,
    IReadOnlyList<SynthesisDrop> Drops,
    IReadOnlyList<StageCost> Costs,
    int LastJudgedRound,
    IReadOnlyList<double> LastSimilarity,
    IReadOnlyList<double> LastPrecision)
{
    /// <summary>Reads the report's data; per-row scores of the last judged round are the mean of every sample and judge call of the primary judge.</summary>
    public static ReportData From(RunStore store)
    {
        var rounds = store.Rounds();
        var judged = rounds.Where(r => r.Similarity is not null).Select(r => r.Round).DefaultIfEmpty(-1).Max();
        var judgements = judged >= 0 ? store.Judgements(judged) : [];
        var primary = judgements.Where(j => j.Judge == "primary" && j.Error is null).ToList();
        if (primary.Count == 0) primary = judgements.Where(j => j.Error is null).ToList();
        var byRow = primary.GroupBy(j => j.RowId).ToList();
        var sim = byRow.Select(g => g.Where(j => j.Similarity is not null).Select(j => j.Similarity!.Value).DefaultIfEmpty(double.NaN).Average())
            .Where(double.IsFinite).ToList();
        var prec = byRow.Select(g => g.Where(j => j.Precision is not null).Select(j => j.Precision!.Value).DefaultIfEmpty(double.NaN).Average())
            .Where(double.IsFinite).ToList();
        return new ReportData(store.Run, rounds, store.Losses(), store.SynthesisDrops(), store.Costs(), judged, sim, prec);
    }
}
