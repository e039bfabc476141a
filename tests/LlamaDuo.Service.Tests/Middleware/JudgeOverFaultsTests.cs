using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Service.Tests.Middleware;

/// <summary>The judge (H5's LlmJudge) through our full stack against the demo service with every fault kind on.</summary>
public sealed class JudgeOverFaultsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-judge-faults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Judging_200_rows_with_faults_scores_or_diagnoses_every_row_and_a_rerun_makes_no_new_calls()
    {
        var faults = FaultSpec.Parse("429:0.08,500:0.05,timeout:0.02,garbage:0.04,truncated:0.04,prose:0.05");
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Faults = faults, Seed = 11, LatencyMs = 2 }, [new DemoJudgeResponder()]);
        var options = new ServiceOptions
        {
            Provider = ServiceProvider.Demo, Model = DemoServiceOptions.ModelId, BaseUrl = demo.BaseUrl,
            // Only injected hangs may time out, cold first requests on a loaded machine included (see FaultToleranceTests).
            TimeoutSeconds = 8, Retries = 6, Limits = new ServiceLimits { Rpm = 0, Tpm = 0, Concurrency = 16 },
        };
        var parts = new ServiceClientParts
        {
            Backoff = new RetryBackoff { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
            CachePath = Path.Combine(_dir, "cache.db"), LedgerPath = Path.Combine(_dir, "ledger.jsonl"),
        };
        var items = Enumerable.Range(0, 200)
            .Select(i => new JudgeItem($"row-{i}", $"Q: What did child {i} find?", "kite", i % 4 == 0 ? "ball" : "kite")).ToList();
        var judgeOptions = new LlmJudgeOptions { Rounds = 1 };

        JudgeRunResult first;
        using (var service = ServiceClientFactory.Create(options, parts))
        {
            first = await JudgeRunner.RunAsync(new LlmJudge(service.Chat, judgeOptions), items);
            Assert.Equal(200, first.Rows.Count);
            Assert.All(first.Rows, r => Assert.True(r.Scored || r.Diagnostics.Count > 0));
            Assert.True(first.Rows.Count(r => r.Scored) >= 195);
            Assert.Equal(demo.Stats.ChatRequests, service.Ledger.Totals("judge").Attempts);
            Assert.True(demo.Stats.ByOutcome.GetValueOrDefault("prose") > 0);
        }

        var before = demo.Stats.ChatRequests;
        using (var rerun = ServiceClientFactory.Create(options, parts))
        {
            var earlier = rerun.Ledger.Entries.Count; // the reopened JSONL holds the first run
            var second = await JudgeRunner.RunAsync(new LlmJudge(rerun.Chat, judgeOptions), items);
            var now = rerun.Ledger.Entries.Skip(earlier).ToList();
            // Only calls that never got an answer the first time go out again; everything answered comes from the cache.
            Assert.Equal(now.Where(e => !e.CacheHit).Sum(e => e.Attempts), demo.Stats.ChatRequests - before);
            Assert.True(now.Count(e => e.CacheHit) >= 195);
            Assert.Equal(first.Rows.Count(r => r.Scored), second.Rows.Count(r => r.Scored));
            Assert.Equal(first.Similarity.Mean, second.Similarity.Mean, 6);
        }
    }
}
