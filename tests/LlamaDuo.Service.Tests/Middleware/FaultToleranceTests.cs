using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Middleware;

/// <summary>The whole stack (official OpenAI SDK via MEAI + our middleware) against the demo service with faults on.</summary>
public sealed class FaultToleranceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-faults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    ServiceOptions Options(RunningDemoService demo, int timeoutSeconds = 8) => new()
    {
        Provider = ServiceProvider.Demo,
        Model = DemoServiceOptions.ModelId,
        BaseUrl = demo.BaseUrl,
        // Long enough that only injected hangs time out even on a busy 2-core machine, cold first requests included:
        // an attempt cancelled before the server read it would be counted by the ledger and not by the server.
        TimeoutSeconds = timeoutSeconds,
        Retries = 8,
        Limits = new ServiceLimits { Rpm = 0, Tpm = 0, Concurrency = 16 },
    };

    ServiceClientParts Parts() => new()
    {
        Backoff = new RetryBackoff { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        CachePath = Path.Combine(_dir, "cache.db"),
        LedgerPath = Path.Combine(_dir, "ledger.jsonl"),
    };

    static async Task<(int Answered, int Failed)> RunBatch(IChatClient chat, int calls)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            try
            {
                var reply = await chat.GetResponseAsync($"echo: row {i}", new ChatOptions().WithStage("judge"));
                return reply.Text == $"ECHO row {i}" ? 1 : 0;
            }
            catch (ServiceCallException)
            {
                return -1; // recorded as failed in the ledger; the batch goes on
            }
        }));
        return (outcomes.Count(o => o == 1), outcomes.Count(o => o == -1));
    }

    [Fact]
    public async Task Two_hundred_calls_with_faults_all_end_answered_or_recorded_and_the_ledger_matches_the_server()
    {
        var faults = FaultSpec.Parse("429:0.1,500:0.05,timeout:0.02,garbage:0.05,truncated:0.05");
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Faults = faults, Seed = 7, LatencyMs = 5 }, [new EchoResponder()]);
        var log = new ListLogger();
        using (var client = ServiceClientFactory.Create(Options(demo), Parts() with { LoggerFactory = log.Factory() }))
        {
            var (answered, failed) = await RunBatch(client.Chat, 200);
            Assert.Contains(log.Lines, l => l.Contains("retrying") && l.Contains("HTTP 429"));

            Assert.Equal(200, answered + failed);
            Assert.True(answered >= 195, $"only {answered} of 200 answered");
            var totals = client.Ledger.Totals("judge");
            Assert.Equal(200, totals.Calls);
            Assert.Equal(failed, totals.Failures);
            // Every HTTP request the server saw is an attempt the ledger counted, faults included.
            Assert.Equal(demo.Stats.ChatRequests, totals.Attempts);
            Assert.True(demo.Stats.ChatRequests > 200, "faults should have forced retries");
            foreach (var kind in new[] { "429", "500", "timeout", "garbage", "truncated" })
                Assert.True(demo.Stats.ByOutcome.GetValueOrDefault(kind) > 0, $"no {kind} fault was injected");
        }

        // A rerun with the same cache pays for nothing: the server sees no new request.
        var before = demo.Stats.ChatRequests;
        using (var rerun = ServiceClientFactory.Create(Options(demo), Parts()))
        {
            var (answered, _) = await RunBatch(rerun.Chat, 200);
            Assert.True(answered >= 195);
            Assert.Equal(FailedRowsRetried(rerun), demo.Stats.ChatRequests - before);
            Assert.Equal(answered, rerun.Ledger.Entries.Skip(200).Count(e => e.CacheHit && e.Attempts == 0));
        }
    }

    // Rows that failed in the first run were not cached, so the rerun asks for them again: that is paid work the
    // first run did not get, not a repeated payment. The ledger says how many requests those cost.
    // (The reopened JSONL ledger starts with the first run's 200 entries.)
    static int FailedRowsRetried(ServiceClient rerun) => rerun.Ledger.Entries.Skip(200).Where(e => !e.CacheHit).Sum(e => e.Attempts);

    [Fact]
    public async Task Without_faults_a_rerun_makes_exactly_zero_new_calls()
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions(), [new EchoResponder()]);
        // Nothing hangs here, so no attempt may time out (and be sent again), however slow the cold start.
        using (var first = ServiceClientFactory.Create(Options(demo, timeoutSeconds: 120), Parts()))
            Assert.Equal((50, 0), await RunBatch(first.Chat, 50));
        Assert.Equal(50, demo.Stats.ChatRequests);

        using var second = ServiceClientFactory.Create(Options(demo, timeoutSeconds: 120), Parts());
        Assert.Equal((50, 0), await RunBatch(second.Chat, 50));
        Assert.Equal(50, demo.Stats.ChatRequests);
        Assert.Equal(50, second.Ledger.Totals().CacheHits);
        // The JSONL ledger was reopened: it holds both runs, and the second run cost nothing.
        Assert.Equal(100, second.Ledger.Totals().Calls);
        Assert.Equal(0m, second.Ledger.Entries.Skip(50).Sum(e => e.Dollars ?? 0m));
    }
}
