using System.Text.Json;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;

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
                // The default 2 s window: on a loaded machine (CI) calls of one round that pass the response cache and the
                // run store's call log arrived more than 200 ms apart and split one judge round into two batches.
                Batch = new BatchOptions { Enabled = true, PollS = 0.1 },
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
        // Each paid call row in the run store names the batch that answered it.
        var calls = store.Calls().Where(c => c.Status == "ok" && !c.Cached).ToList();
        Assert.Equal(paid.Count, calls.Count);
        Assert.All(calls, c => Assert.Contains(batches, b => b.Id == c.BatchId));
        var (code, status) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "status", run);
        Assert.True(code == 0, status);
        Assert.Contains(batches[0].Id, status);
        Assert.Contains("consumed", status);
    }

    [Fact]
    public async Task A_judge_stage_cancelled_while_its_batch_runs_attaches_to_that_batch_when_rerun()
    {
        using var temp = new RepoPaths.Temp();
        // Slow phases, so the batch is still running when the stage is cancelled.
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { Port = 0 }, [new DemoJudgeResponder(), new DemoSynthesisResponder()],
            default, new DemoBatchOptions { StepMs = 1500 });
        var fast = QuickstartConfig.Fast(demo.BaseUrl);
        // A wide window: on a loaded machine the judge's calls can arrive more than 200 ms apart, and a second
        // window's calls would find the first window's batch already consumed and pay for a new one.
        var config = fast with { Service = fast.Service with { Batch = new BatchOptions { Enabled = true, PollS = 0.1, WindowMs = 2000 } } };
        var run = Path.Combine(temp.Path, "run");
        var log = new StringWriter();
        foreach (var stage in new[] { LoopStage.Ingest, LoopStage.Train, LoopStage.Infer })
            await MigrationLoop.RunAsync(config, run, log, onlyStage: stage);

        using var cancel = new CancellationTokenSource();
        var watcher = new LineWatcher("[batch] submitted batch", cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MigrationLoop.RunAsync(config, run, watcher, cancel.Token, onlyStage: LoopStage.Judge));
        Assert.Equal(1, demo.Stats.BatchesCreated);
        string batchId;
        using (var store = RunStore.Open(run))
            batchId = Assert.Single(store.Batches.ListOpen()).Id;

        var rerun = new StringWriter();
        var judged = await MigrationLoop.RunAsync(config, run, rerun, onlyStage: LoopStage.Judge);

        Assert.Single(judged.Rounds);
        Assert.Equal(1, demo.Stats.BatchesCreated); // attached, not paid again
        Assert.Contains($"attaching to submitted batch {batchId}", rerun.ToString());
        using var after = RunStore.Open(run);
        Assert.Equal("consumed", Assert.Single(after.AllBatches()).Status);
    }

    [Fact]
    public void Yaml_service_batch_binds_maps_and_is_checked()
    {
        var config = LlamaDuoConfig.Parse("""
            data: {path: data.jsonl}
            service:
              provider: anthropic
              model: claude-3-5-haiku-latest
              batch: {enabled: true, poll_s: 60, max_requests: 1000, window_ms: 500, price_factor: 0.5}
            """);
        var batch = config.Service.Batch; // the section binds onto the service client's own options
        Assert.True(batch.Enabled);
        Assert.Equal((60.0, 1000, 500, 0.5), (batch.PollS, batch.MaxRequests, batch.WindowMs, batch.PriceFactor));
        // A synthesis wave is every request at once, into one batch (the judge issues a whole round at once anyway).
        Assert.Equal(1000, ConfigMapping.Synthesis(config, null).MaxConcurrentCalls);
        Assert.Equal(config.Service.Limits.Concurrency, ConfigMapping.Synthesis(config with { Service = config.Service with { Batch = new() } }, null).MaxConcurrentCalls);

        var unknown = Assert.Throws<Core.Errors.InputException>(() => LlamaDuoConfig.Parse("service:\n  batch: {enable: true}\n"));
        Assert.Contains("service.batch.enable", unknown.Message);
        var gemini = Assert.Throws<Core.Errors.InputException>(() => LlamaDuoConfig.Parse(
            "data: {path: d.jsonl}\nservice:\n  provider: gemini\n  model: gemini-2.5-flash\n  batch:\n    enabled: true\n"));
        Assert.Contains("service.batch.enabled", gemini.Message);
        Assert.Contains(":6", gemini.Message); // the line of the key
    }

    /// <summary>A log that cancels the run when a line containing <paramref name="text"/> is written.</summary>
    sealed class LineWatcher(string text, CancellationTokenSource cancel) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(text, StringComparison.Ordinal) == true) cancel.Cancel();
        }
    }
}
