using Microsoft.Data.Sqlite;

namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>Records (or replaces) the metrics and verdict of one round.</summary>
    public void RecordRound(RoundMetrics m)
    {
        var s = m.Similarity;
        var p = m.Precision;
        Execute("""
            INSERT OR REPLACE INTO rounds VALUES($round, $train, $test, $added, $dropped,
              $sn, $smean, $smed, $sstd, $slo, $shi, $scov, $pn, $pmean, $pmed, $pstd, $plo, $phi, $pcov, $passed, $verdict, $now)
            """,
            ("$round", m.Round), ("$train", m.TrainRows), ("$test", m.TestRows), ("$added", m.SyntheticAdded), ("$dropped", m.SyntheticDropped),
            ("$sn", s?.N), ("$smean", Num(s?.Mean)), ("$smed", Num(s?.Median)), ("$sstd", Num(s?.Std)), ("$slo", Num(s?.CiLow)), ("$shi", Num(s?.CiHigh)), ("$scov", Num(s?.Coverage)),
            ("$pn", p?.N), ("$pmean", Num(p?.Mean)), ("$pmed", Num(p?.Median)), ("$pstd", Num(p?.Std)), ("$plo", Num(p?.CiLow)), ("$phi", Num(p?.CiHigh)), ("$pcov", Num(p?.Coverage)),
            ("$passed", m.Passed ? 1 : 0), ("$verdict", m.Verdict), ("$now", Now()));
        Execute("UPDATE runs SET updated = $now", ("$now", Now()));
    }

    /// <summary>Every recorded round, in order.</summary>
    public IReadOnlyList<RoundMetrics> Rounds()
    {
        using var cmd = Command("SELECT * FROM rounds ORDER BY round");
        using var r = cmd.ExecuteReader();
        var list = new List<RoundMetrics>();
        while (r.Read())
            list.Add(new RoundMetrics(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
                Summary(r, 5), Summary(r, 12), r.GetInt32(19) == 1, r.GetString(20)));
        return list;
    }

    /// <summary>Appends training losses; a step already recorded for the round is replaced (a resumed trainer may redo it).</summary>
    public void RecordLosses(IEnumerable<LossPoint> points)
    {
        using var tx = Begin();
        foreach (var p in points)
            Execute("INSERT OR REPLACE INTO losses VALUES($r, $s, $l, $lr)", ("$r", p.Round), ("$s", p.Step), ("$l", p.Loss), ("$lr", p.LearningRate));
        tx.Commit();
    }

    public IReadOnlyList<LossPoint> Losses()
    {
        using var cmd = Command("SELECT round, step, loss, learning_rate FROM losses ORDER BY round, step");
        using var r = cmd.ExecuteReader();
        var list = new List<LossPoint>();
        while (r.Read()) list.Add(new LossPoint(r.GetInt32(0), r.GetInt32(1), r.GetDouble(2), r.IsDBNull(3) ? null : r.GetDouble(3)));
        return list;
    }

    /// <summary>Sets how many synthetic rows of a round were dropped for each reason.</summary>
    public void RecordSynthesisDrops(int round, IReadOnlyDictionary<string, int> countsByReason)
    {
        using var tx = Begin();
        foreach (var (reason, count) in countsByReason)
            Execute("INSERT OR REPLACE INTO synthesis_drops VALUES($r, $reason, $c)", ("$r", round), ("$reason", reason), ("$c", count));
        tx.Commit();
    }

    public IReadOnlyList<SynthesisDrop> SynthesisDrops()
    {
        using var cmd = Command("SELECT round, reason, count FROM synthesis_drops ORDER BY round, reason");
        using var r = cmd.ExecuteReader();
        var list = new List<SynthesisDrop>();
        while (r.Read()) list.Add(new SynthesisDrop(r.GetInt32(0), r.GetString(1), r.GetInt32(2)));
        return list;
    }

    static ScoreSummary? Summary(SqliteDataReader r, int at) => r.IsDBNull(at) ? null
        : new ScoreSummary(r.GetInt32(at), Get(r, at + 1), Get(r, at + 2), Get(r, at + 3), Get(r, at + 4), Get(r, at + 5), Get(r, at + 6));

    static double Get(SqliteDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    /// <summary>SQLite stores NaN as NULL; keep it that way explicitly.</summary>
    static object? Num(double? x) => x is { } v && double.IsFinite(v) ? v : null;
}
