using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Ledger;

/// <summary>
/// The ledger hears of a call when its first request goes on the wire, under the id its entry later carries; a
/// cache hit never goes out; retries of one call are one start. (The run store notes calls in flight from this.)
/// </summary>
public sealed class CallStartTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-callstart-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_call_starts_once_when_sent_and_a_cache_hit_never_starts()
    {
        using var stub = new StubServer((i, _) => i == 0 ? OpenAiReplies.Error(503) : OpenAiReplies.Ok());
        using var client = ServiceClientFactory.Create(new ServiceOptions
        {
            Provider = ServiceProvider.OpenAICompatible,
            Model = "stub-model",
            BaseUrl = stub.BaseUrl + "/v1",
        }, new ServiceClientParts
        {
            Backoff = new RetryBackoff { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
            CachePath = Path.Combine(_dir, "cache.db"),
        });
        var starts = new List<CallStart>();
        client.Ledger.Starting += s => { lock (starts) starts.Add(s); };

        await client.Chat.GetResponseAsync("hi");
        await client.Chat.GetResponseAsync("hi"); // answered from the cache

        var start = Assert.Single(starts);
        Assert.Equal(2, stub.Requests.Count); // one call, two attempts (503 then 200)
        var (sent, hit) = (client.Ledger.Entries[0], client.Ledger.Entries[1]);
        Assert.Equal(start.Id, sent.Id);
        Assert.True(hit.CacheHit);
        Assert.NotNull(hit.Id);
        Assert.NotEqual(sent.Id, hit.Id);
    }

    [Fact]
    public void An_entry_written_after_a_torn_line_reads_back()
    {
        var path = Path.Combine(_dir, "ledger.jsonl");
        using (var ledger = new CallLedger(path))
            ledger.Record(new LedgerEntry(DateTimeOffset.UtcNow, "judge", "openai", "gpt-4o", 1, 1, 0m, false, 1, 1, true, null));
        File.AppendAllText(path, "{\"time\":\"2026-"); // killed mid-write
        using (var ledger = new CallLedger(path))
            ledger.Record(new LedgerEntry(DateTimeOffset.UtcNow, "judge", "openai", "gpt-4o", 1, 1, 0m, false, 1, 1, true, null, null, "ledger:x"));
        using var reopened = new CallLedger(path);
        Assert.Equal([null, "ledger:x"], reopened.Entries.Select(e => e.Id));
    }
}
