using System.Text.Json;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Ledger;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>
/// service.batch.enabled: the quickstart-sized loop judges and synthesizes through provider batches (the demo
/// service's OpenAI Batch endpoints), one batch per judge round, and the run store records those calls at the batch
/// price (half the list price).
/// </summary>
public class BatchModeTests
{
    [Fact]
    public async Task Loop_in_batch_mode_sends_batches_only_and_records_them_at_half_price()
    {
        using var temp = new RepoPaths.Temp();
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()],
            default, new DemoBatchOptions { StepMs = 50 });
        var fast = QuickstartConfig.Fast(demo.BaseUrl);
        var config = fast with
        {
            Service = fast.Service with
            {
                // A list price for the stand-in, so that "half" is visible in dollars (the demo model is otherwise free).
                Prices = new PriceOverride { InputPerMillion = 1.00, OutputPerMillion = 4.00 },
                Batch = new ServiceBatchOptions { Enabled = true, PollS = 0.1, WindowMs = 200 },
            },
            Export = fast.Export with { Formats = [] },
        };
        var run = Path.Combine(temp.Path, "run");
        var log = new StringWriter();

        var outcome = await MigrationLoop.RunAsync(config, run, log);

        Assert.True(outcome.Passed, $"{outcome.StopReason}\n{log}");
        Assert.True(outcome.Rounds.Count >= 2, log.ToString());
        Assert.Equal(0, demo.Stats.ChatRequests); // nothing went to /v1/chat/completions
        var ledger = File.ReadLines(Path.Combine(run, "ledger.jsonl")).Select(l => JsonSerializer.Deserialize<LedgerEntry>(l)!).ToList();
        var paid = ledger.Where(e => e.Ok && !e.CacheHit).ToList();
        Assert.NotEmpty(paid);
        Assert.All(paid, e => Assert.NotNull(e.Batch));
        Assert.Equal(demo.Stats.BatchesCreated, paid.Select(e => e.Batch).Distinct().Count());
        // One judge round = one batch: all of a round's judge calls are issued at once and land together.
        var judgeBatches = paid.Where(e => e.Stage == "judge").Select(e => e.Batch).Distinct().Count();
        Assert.True(judgeBatches == outcome.Rounds.Count, $"{judgeBatches} judge batches for {outcome.Rounds.Count} rounds\n{log}");
        foreach (var e in paid)
            Assert.Equal((e.InputTokens * 1.00m + e.OutputTokens * 4.00m) / 1_000_000m * 0.5m, e.Dollars);

        using var store = RunStore.Open(run);
        var (_, dollars) = store.TotalSpend();
        Assert.Equal((double)paid.Sum(e => e.Dollars!.Value), dollars, 9);
        Assert.Contains("[batch] submitted batch", log.ToString());
        // Every batch is journalled in the run store and, once its results were handed out, marked consumed.
        var batches = store.AllBatches();
        Assert.Equal(demo.Stats.BatchesCreated, batches.Count);
        Assert.All(batches, b => Assert.Equal("consumed", b.Status));
        Assert.Contains(batches, b => b.Stage == "judge");
        Assert.Contains(batches, b => b.Stage == "synth");
    }
}
