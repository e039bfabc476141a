namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>
    /// Records one service call and adds it to its stage's cost roll-up, in one transaction. A call id already
    /// recorded changes nothing, so replaying a ledger on resume never counts a call twice.
    /// </summary>
    /// <returns>True when the call was new.</returns>
    public bool RecordCall(CallRecord c)
    {
        using var tx = Begin();
        var isNew = Execute("INSERT OR IGNORE INTO calls VALUES($id, $r, $st, $p, $m, $in, $out, $usd, $lat, $status, $cached, $at)",
            ("$id", c.Id), ("$r", c.Round), ("$st", c.Stage), ("$p", c.Provider), ("$m", c.Model), ("$in", c.InputTokens), ("$out", c.OutputTokens),
            ("$usd", c.Dollars), ("$lat", c.LatencyMs), ("$status", c.Status), ("$cached", c.Cached ? 1 : 0),
            ("$at", c.At.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture))) == 1;
        if (isNew)
            Execute("""
                INSERT INTO costs VALUES($r, $st, 1, $in, $out, $usd)
                ON CONFLICT(round, stage) DO UPDATE SET calls = calls + 1, input_tokens = input_tokens + $in,
                  output_tokens = output_tokens + $out, dollars = dollars + $usd
                """, ("$r", c.Round), ("$st", c.Stage), ("$in", c.InputTokens), ("$out", c.OutputTokens), ("$usd", c.Dollars));
        tx.Commit();
        return isNew;
    }

    /// <summary>Tokens and dollars per (round, stage).</summary>
    public IReadOnlyList<StageCost> Costs()
    {
        using var cmd = Command("SELECT round, stage, calls, input_tokens, output_tokens, dollars FROM costs ORDER BY round, stage");
        using var r = cmd.ExecuteReader();
        var list = new List<StageCost>();
        while (r.Read()) list.Add(new StageCost(r.GetInt32(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDouble(5)));
        return list;
    }

    /// <summary>Totals over the whole run, for budget checks: tokens (prompt + completion) and dollars.</summary>
    public (long Tokens, double Dollars) TotalSpend()
    {
        using var cmd = Command("SELECT COALESCE(SUM(input_tokens + output_tokens), 0), COALESCE(SUM(dollars), 0) FROM costs");
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetDouble(1));
    }

    /// <summary>The number of recorded calls (cached ones included).</summary>
    public long CallCount()
    {
        using var cmd = Command("SELECT COUNT(*) FROM calls");
        return (long)cmd.ExecuteScalar()!;
    }
}
