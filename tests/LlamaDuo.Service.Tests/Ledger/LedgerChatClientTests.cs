using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Ledger;

public class LedgerChatClientTests
{
    /// <summary>Answers every call with fixed usage: 1000 input and 200 output tokens.</summary>
    sealed class FixedUsageClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 200 } });
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }

    [Fact]
    public async Task Costs_are_attributed_to_the_stage_label_on_each_call()
    {
        using var ledger = new CallLedger();
        using var client = new LedgerChatClient(new FixedUsageClient(), ledger, PriceTable.Defaults, "openai", "gpt-4o-mini");

        await client.GetResponseAsync("a", new ChatOptions().WithStage("judge"));
        await client.GetResponseAsync("b", new ChatOptions().WithStage("judge"));
        await client.GetResponseAsync("c", new ChatOptions().WithStage("synth"));
        await client.GetResponseAsync("d");

        var perCall = (1000 * 0.15m + 200 * 0.60m) / 1_000_000m;
        var byStage = ledger.ByStage();
        Assert.Equal(2 * perCall, byStage["judge"].Dollars);
        Assert.Equal(perCall, byStage["synth"].Dollars);
        Assert.Equal(1, byStage["unlabelled"].Calls);
        Assert.Equal(2400L, ledger.Totals("judge").InputTokens + ledger.Totals("judge").OutputTokens);
    }
}
