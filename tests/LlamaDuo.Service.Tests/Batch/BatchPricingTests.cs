using System.Text.Json;
using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Batch;

/// <summary>The ledger prices an answer from a provider batch at the batch price (50% of list unless overridden).</summary>
public class BatchPricingTests
{
    [Fact]
    public async Task A_batch_call_costs_half_the_same_call_made_synchronously()
    {
        await using var demo = await BatchHarness.StartDemo();
        var batchOptions = BatchHarness.Options(demo);
        using var sync = BatchHarness.Client(batchOptions with { Batch = new BatchOptions() });
        using var batch = BatchHarness.Client(batchOptions);
        ChatMessage[] call = [new(ChatRole.User, "echo: the same words both ways please")];

        await sync.Chat.GetResponseAsync(call);
        await batch.Chat.GetResponseAsync(call);

        var s = Assert.Single(sync.Ledger.Entries);
        var b = Assert.Single(batch.Ledger.Entries);
        Assert.Null(s.Batch);
        Assert.NotNull(b.Batch);
        Assert.Equal((s.InputTokens, s.OutputTokens), (b.InputTokens, b.OutputTokens));
        Assert.True(s.Dollars > 0m);
        Assert.Equal(s.Dollars / 2, b.Dollars);
        Assert.Equal(1, demo.Stats.ChatRequests);
        Assert.Equal(1, demo.Stats.BatchesCreated);
    }

    [Fact]
    public void Price_factor_overrides_the_default_and_is_checked()
    {
        var options = new ServiceOptions { Provider = ServiceProvider.OpenAI, Model = "gpt-4o", Batch = new BatchOptions { PriceFactor = 0.25 } };
        Assert.Equal(2.50m * 0.25m, options.ResolvePrices().Find("gpt-4o")!.BatchCost(1_000_000, 0));
        Assert.Equal(1.25m, PriceTable.Defaults.Find("gpt-4o")!.BatchCost(1_000_000, 0));
        var bad = Assert.Throws<Core.Errors.InputException>(() => (options with { Batch = new BatchOptions { PriceFactor = 2 } }).Validate(_ => "k"));
        Assert.Contains("batch.price_factor", bad.Message);
    }

    [Fact]
    public void Gemini_in_batch_mode_is_refused_naming_the_key_and_provider()
    {
        var options = new ServiceOptions { Provider = ServiceProvider.Gemini, Model = "gemini-2.5-flash", Batch = new BatchOptions { Enabled = true } };
        var error = Assert.Throws<Core.Errors.InputException>(() => options.Validate(_ => "k"));
        Assert.Contains("batch", error.Message);
        Assert.Contains("gemini", error.Message);
    }

    [Fact]
    public void Ledger_lines_without_a_batch_field_still_read_and_batch_lines_carry_it()
    {
        const string old = """{"time":"2026-01-01T00:00:00+00:00","stage":"judge","provider":"openai","model":"gpt-4o","input_tokens":1,"output_tokens":2,"dollars":0.1,"cache_hit":false,"latency_ms":3,"attempts":1,"ok":true,"error":null}""";
        var entry = JsonSerializer.Deserialize<LedgerEntry>(old)!;
        Assert.Null(entry.Batch);
        Assert.DoesNotContain("\"batch\"", JsonSerializer.Serialize(entry));
        Assert.Contains("\"batch\":\"batch_1\"", JsonSerializer.Serialize(entry with { Batch = "batch_1" }));
    }
}
