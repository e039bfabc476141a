using System.Data.Common;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>Records (or replaces) the metrics and verdict of one round.</summary>
    public void RecordRound(RoundMetrics m)
    {
        var s = m.Similarity;
        var p = m.Precision;
        Execute("""
            INSERT INTO rounds(run_id, round, train_rows, test_rows, synthetic_added, synthetic_dropped,
              sim_n, sim_mean, sim_median, sim_std, sim_ci_low, sim_ci_high, sim_coverage,
              prec_n, prec_mean, prec_median, prec_std, prec_ci_low, prec_ci_high, prec_coverage, passed, verdict, recorded)
            VALUES(@run, @round, @train, @test, @added, @dropped,
              @sn, @smean, @smed, @sstd, @slo, @shi, @scov, @pn, @pmean, @pmed, @pstd, @plo, @phi, @pcov, @passed, @verdict, @now)
            ON CONFLICT(run_id, round) DO UPDATE SET train_rows = excluded.train_rows, test_rows = excluded.test_rows,
              synthetic_added = excluded.synthetic_added, synthetic_dropped = excluded.synthetic_dropped,
              sim_n = excluded.sim_n, sim_mean = excluded.sim_mean, sim_median = excluded.sim_median, sim_std = excluded.sim_std,
              sim_ci_low = excluded.sim_ci_low, sim_ci_high = excluded.sim_ci_high, sim_coverage = excluded.sim_coverage,
              prec_n = excluded.prec_n, prec_mean = excluded.prec_mean, prec_median = excluded.prec_median, prec_std = excluded.prec_std,
              prec_ci_low = excluded.prec_ci_low, prec_ci_high = excluded.prec_ci_high, prec_coverage = excluded.prec_coverage,
              passed = excluded.passed, verdict = excluded.verdict, recorded = excluded.recorded
            """,
            ("@round", m.Round), ("@train", m.TrainRows), ("@test", m.TestRows), ("@added", m.SyntheticAdded), ("@dropped", m.SyntheticDropped),
            ("@sn", s?.Count), ("@smean", Num(s?.Mean)), ("@smed", Num(s?.Median)), ("@sstd", Num(s?.StdDev)), ("@slo", Num(s?.CiLow)), ("@shi", Num(s?.CiHigh)), ("@scov", Num(s?.CoveragePercent)),
            ("@pn", p?.Count), ("@pmean", Num(p?.Mean)), ("@pmed", Num(p?.Median)), ("@pstd", Num(p?.StdDev)), ("@plo", Num(p?.CiLow)), ("@phi", Num(p?.CiHigh)), ("@pcov", Num(p?.CoveragePercent)),
            ("@passed", m.Passed ? 1 : 0), ("@verdict", m.Verdict), ("@now", Now()));
        Execute("UPDATE runs SET updated = @now WHERE id = @run", ("@now", Now()));
    }

    /// <summary>Every recorded round, in order.</summary>
    public IReadOnlyList<RoundMetrics> Rounds()
    {
        using var cmd = Command("""
            SELECT round, train_rows, test_rows, synthetic_added, synthetic_dropped,
              sim_n, sim_mean, sim_median, sim_std, sim_ci_low, sim_ci_high, sim_coverage,
              prec_n, prec_mean, prec_median, prec_std, prec_ci_low, prec_ci_high, prec_coverage, passed, verdict
            FROM rounds WHERE run_id = @run ORDER BY round
            """);
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
            Execute("""
                INSERT INTO losses(run_id, round, step, loss, learning_rate) VALUES(@run, @r, @s, @l, @lr)
                ON CONFLICT(run_id, round, step) DO UPDATE SET loss = excluded.loss, learning_rate = excluded.learning_rate
                """, ("@r", p.Round), ("@s", p.Step), ("@l", p.Loss), ("@lr", p.LearningRate));
        tx.Commit();
    }

    public IReadOnlyList<LossPoint> Losses()
    {
        using var cmd = Command("SELECT round, step, loss, learning_rate FROM losses WHERE run_id = @run ORDER BY round, step");
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
            Execute("""
                INSERT INTO synthesis_drops(run_id, round, reason, count) VALUES(@run, @r, @reason, @c)
                ON CONFLICT(run_id, round, reason) DO UPDATE SET count = excluded.count
                """, ("@r", round), ("@reason", reason), ("@c", count));
        tx.Commit();
    }

    public IReadOnlyList<SynthesisDrop> SynthesisDrops()
    {
        using var cmd = Command("SELECT round, reason, count FROM synthesis_drops WHERE run_id = @run ORDER BY round, reason");
        using var r = cmd.ExecuteReader();
        var list = new List<SynthesisDrop>();
        while (r.Read()) list.Add(new SynthesisDrop(r.GetInt32(0), r.GetString(1), r.GetInt32(2)));
        return list;
    }

    /// <summary>
    /// A metric's stored summary. The coverage threshold has no column (the run's config.yaml holds it, as
    /// judge.pass.coverage_threshold), so it reads back as NaN; a figure stored as NULL reads back as NaN too.
    /// </summary>
    static ScoreSummary? Summary(DbDataReader r, int at) => r.IsDBNull(at) ? null
        : new ScoreSummary(r.GetInt32(at), Get(r, at + 1), Get(r, at + 2), Get(r, at + 3), Get(r, at + 4), Get(r, at + 5), double.NaN, Get(r, at + 6));

    static double Get(DbDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    /// <summary>NaN is stored as NULL (SQLite would anyway); keep it explicit so both databases agree.</summary>
    static object? Num(double? x) => x is { } v && double.IsFinite(v) ? v : null;
}
