using LlamaDuo.Service.Ledger;

namespace LlamaDuo.Service.Tests.Ledger;

public sealed class CallLedgerTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-ledger-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static LedgerEntry Entry(string stage, long input, long output, decimal? dollars, bool hit = false, bool ok = true, int attempts = 1) =>
        new(DateTimeOffset.UtcNow, stage, "openai", "gpt-4o", input, output, dollars, hit, 12.5, attempts, ok, ok ? null : "HTTP 500");

    [Fact]
    public void Totals_by_stage_and_reloaded_from_jsonl_with_a_torn_last_line_skipped()
    {
        var path = Path.Combine(_dir, "ledger.jsonl");
        using (var ledger = new CallLedger(path))
        {
            ledger.Record(Entry("judge", 100, 20, 0.0005m, attempts: 2));
            ledger.Record(Entry("judge", 100, 20, 0m, hit: true, attempts: 0));
            ledger.Record(Entry("synth", 300, 400, 0.0047m));
            ledger.Record(Entry("synth", 0, 0, null, ok: false, attempts: 7));

            var judge = ledger.Totals("judge");
            Assert.Equal((2, 1, 0, 2, 200L, 40L, 0.0005m), (judge.Calls, judge.CacheHits, judge.Failures, judge.Attempts, judge.InputTokens, judge.OutputTokens, judge.Dollars));
            var synth = ledger.ByStage()["synth"];
            Assert.Equal((2, 1, 8, 0.0047m, 0), (synth.Calls, synth.Failures, synth.Attempts, synth.Dollars, synth.UnpricedCalls));
            Assert.Equal(0.0052m, ledger.Totals().Dollars);
        }
        File.AppendAllText(path, "{\"time\":\"2026-"); // a crash mid-write
        using var reopened = new CallLedger(path);
        Assert.Equal(4, reopened.Totals().Calls);
        Assert.Equal(0.0052m, reopened.Totals().Dollars);
        var line = File.ReadLines(path).First();
        Assert.Contains("\"stage\":\"judge\"", line);
        Assert.Contains("\"cache_hit\":false", line);
    }
}
