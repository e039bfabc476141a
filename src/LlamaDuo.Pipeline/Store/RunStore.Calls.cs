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
        var isNew = Execute("""
            INSERT INTO calls(run_id, id, round, stage, provider, model, input_tokens, output_tokens, dollars, latency_ms, status, cached, at, batch_id)
            VALUES(@run, @id, @r, @st, @p, @m, @in, @out, @usd, @lat, @status, @cached, @at, @batch) ON CONFLICT(run_id, id) DO NOTHING
            """,
            ("@id", c.Id), ("@r", c.Round), ("@st", c.Stage), ("@p", c.Provider), ("@m", c.Model), ("@in", c.InputTokens), ("@out", c.OutputTokens),
            ("@usd", c.Dollars), ("@lat", c.LatencyMs), ("@status", c.Status), ("@cached", c.Cached ? 1 : 0),
            ("@at", c.At.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)), ("@batch", c.BatchId)) == 1;
        if (isNew)
            Execute("""
                INSERT INTO costs(run_id, round, stage, calls, input_tokens, output_tokens, dollars) VALUES(@run, @r, @st, 1, @in, @out, @usd)
                ON CONFLICT(run_id, round, stage) DO UPDATE SET calls = costs.calls + 1, input_tokens = costs.input_tokens + excluded.input_tokens,
                  output_tokens = costs.output_tokens + excluded.output_tokens, dollars = costs.dollars + excluded.dollars
                """, ("@r", c.Round), ("@st", c.Stage), ("@in", c.InputTokens), ("@out", c.OutputTokens), ("@usd", c.Dollars));
        tx.Commit();
        return isNew;
    }

    /// <summary>Tokens and dollars per (round, stage).</summary>
    public IReadOnlyList<StageCost> Costs()
    {
        using var cmd = Command("SELECT round, stage, calls, input_tokens, output_tokens, dollars FROM costs WHERE run_id = @run ORDER BY round, stage");
        using var r = cmd.ExecuteReader();
        var list = new List<StageCost>();
        while (r.Read()) list.Add(new StageCost(r.GetInt32(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDouble(5)));
        return list;
    }

    /// <summary>Totals over the whole run, for budget checks: tokens (prompt + completion) and dollars.</summary>
    public (long Tokens, double Dollars) TotalSpend()
    {
        // SUM of BIGINT is NUMERIC in PostgreSQL: cast back so both databases hand out a 64-bit integer.
        using var cmd = Command("SELECT CAST(COALESCE(SUM(input_tokens + output_tokens), 0) AS BIGINT), CAST(COALESCE(SUM(dollars), 0) AS DOUBLE PRECISION) FROM costs WHERE run_id = @run");
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetDouble(1));
    }

    /// <summary>Every recorded call, oldest first.</summary>
    public IReadOnlyList<CallRecord> Calls()
    {
        using var cmd = Command("""
            SELECT id, round, stage, provider, model, input_tokens, output_tokens, dollars, latency_ms, status, cached, at, batch_id
            FROM calls WHERE run_id = @run ORDER BY at, id
            """);
        using var r = cmd.ExecuteReader();
        var list = new List<CallRecord>();
        while (r.Read())
            list.Add(new CallRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6),
                r.GetDouble(7), r.GetDouble(8), r.GetString(9), r.GetInt32(10) == 1, Time(r.GetString(11)), r.IsDBNull(12) ? null : r.GetString(12)));
        return list;
    }

    /// <summary>The number of recorded calls (cached ones included).</summary>
    public long CallCount()
    {
        using var cmd = Command("SELECT COUNT(*) FROM calls WHERE run_id = @run");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
