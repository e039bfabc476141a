namespace LlamaDuo.Service.Ledger;

/// <summary>Sums over a set of ledger entries.</summary>
public sealed record LedgerTotals(
    int Calls, int CacheHits, int Failures, int Attempts,
    long InputTokens, long OutputTokens, decimal Dollars, int UnpricedCalls)
{
    /// <summary>Totals of the given entries.</summary>
    public static LedgerTotals Of(IEnumerable<LedgerEntry> entries)
    {
        var t = new LedgerTotals(0, 0, 0, 0, 0, 0, 0m, 0);
        foreach (var e in entries)
            t = new LedgerTotals(
                t.Calls + 1, t.CacheHits + (e.CacheHit ? 1 : 0), t.Failures + (e.Ok ? 0 : 1), t.Attempts + e.Attempts,
                t.InputTokens + e.InputTokens, t.OutputTokens + e.OutputTokens, t.Dollars + (e.Dollars ?? 0m),
                t.UnpricedCalls + (e.Ok && e.Dollars is null ? 1 : 0));
        return t;
    }
}
