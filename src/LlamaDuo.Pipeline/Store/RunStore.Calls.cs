namespace LlamaDuo.Pipeline.Store;

public sealed partial class RunStore
{
    /// <summary>Status of a call whose request went out and whose answer has not been recorded yet.</summary>
    public const string InFlight = "in_flight";

    /// <summary>Status of a call that was in flight when its process stopped: it may have been charged, at a cost unknown.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>
    /// Notes a call as in flight before its request goes out, so a kill before its answer is recorded leaves a trace
    /// (see <see cref="InFlightCalls"/>). Repeating it changes nothing.
    /// </summary>
    public void StartCall(string id, int round, string stage, string provider, string model, DateTimeOffset at) => Execute("""
        INSERT INTO calls(run_id, id, round, stage, provider, model, input_tokens, output_tokens, dollars, latency_ms, status, cached, at, batch_id)
        VALUES(@run, @id, @r, @st, @p, @m, 0, 0, 0, 0, @status, 0, @at, NULL) ON CONFLICT(run_id, id) DO NOTHING
        """, ("@id", id), ("@r", round), ("@st", stage), ("@p", provider), ("@m", model), ("@status", InFlight), ("@at", Format(at)));

    /// <summary>
    /// Records one service call as answered (or failed, or interrupted) and adds it to its stage's cost roll-up, in one
    /// transaction. A call noted by <see cref="StartCall"/> is completed in place (its round and stage kept); a call
    /// id already completed changes nothing, so replaying a ledger on resume never counts a call twice.
    /// </summary>
    /// <returns>True when the call was new or in flight until now.</returns>
    public bool RecordCall(CallRecord c)
    {
        using var tx = Begin();
        var counted = Execute("""
            INSERT INTO calls(run_id, id, round, stage, provider, model, input_tokens, output_tokens, dollars, latency_ms, status, cached, at, batch_id)
            VALUES(@run, @id, @r, @st, @p, @m, @in, @out, @usd, @lat, @status, @cached, @at, @batch)
            ON CONFLICT(run_id, id) DO UPDATE SET provider = excluded.provider, model = excluded.model, input_tokens = excluded.input_tokens,
              output_tokens = excluded.output_tokens, dollars = excluded.dollars, latency_ms = excluded.latency_ms, status = excluded.status,
              cached = excluded.cached, at = excluded.at, batch_id = excluded.batch_id
              WHERE calls.status = @inflight
            """,
            ("@id", c.Id), ("@r", c.Round), ("@st", c.Stage), ("@p", c.Provider), ("@m", c.Model), ("@in", c.InputTokens), ("@out", c.OutputTokens),
            ("@usd", c.Dollars), ("@lat", c.LatencyMs), ("@status", c.Status), ("@cached", c.Cached ? 1 : 0),
            ("@at", Format(c.At)), ("@batch", c.BatchId), ("@inflight", InFlight)) == 1;
        if (counted)
            Execute("""
                INSERT INTO costs(run_id, round, stage, calls, input_tokens, output_tokens, dollars)
                SELECT run_id, round, stage, 1, input_tokens, output_tokens, dollars FROM calls WHERE run_id = @run AND id = @id
                ON CONFLICT(run_id, round, stage) DO UPDATE SET calls = costs.calls + 1, input_tokens = costs.input_tokens + excluded.input_tokens,
                  output_tokens = costs.output_tokens + excluded.output_tokens, dollars = costs.dollars + excluded.dollars
                """, ("@id", c.Id));
        tx.Commit();
        return counted;
    }

    /// <summary>Calls noted as sent whose answer was never recorded: in flight now, or cut off by a kill.</summary>
    public IReadOnlyList<CallRecord> InFlightCalls() => QueryCalls("AND status = @s", ("@s", InFlight));

    static string Format(DateTimeOffset t) => t.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

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

    /// <summary>Every recorded call, oldest first (calls still in flight included).</summary>
    public IReadOnlyList<CallRecord> Calls() => QueryCalls("");

    List<CallRecord> QueryCalls(string where, params (string, object?)[] args)
    {
        using var cmd = Command($"""
            SELECT id, round, stage, provider, model, input_tokens, output_tokens, dollars, latency_ms, status, cached, at, batch_id
            FROM calls WHERE run_id = @run {where} ORDER BY at, id
            """, args);
        using var r = cmd.ExecuteReader();
        var list = new List<CallRecord>();
        while (r.Read())
            list.Add(new CallRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6),
                r.GetDouble(7), r.GetDouble(8), r.GetString(9), r.GetInt32(10) == 1, Time(r.GetString(11)), r.IsDBNull(12) ? null : r.GetString(12)));
        return list;
    }

    /// <summary>The number of recorded calls (cached ones included), or of those with one status.</summary>
    public long CallCount(string? status = null)
    {
        using var cmd = status is null
            ? Command("SELECT COUNT(*) FROM calls WHERE run_id = @run")
            : Command("SELECT COUNT(*) FROM calls WHERE run_id = @run AND status = @s", ("@s", status));
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
