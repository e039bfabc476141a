using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using LlamaDuo.Tests.Shared;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Cache;

/// <summary>The response cache in a real PostgreSQL server that two runs (two clients, two connections) share.</summary>
public sealed class PostgresResponseCacheTests
{
    readonly string _connection = PostgresServer.Shared.CreateDatabase("cache");

    [Fact]
    public void A_response_stored_through_one_connection_is_read_through_another()
    {
        using (var writer = ResponseCache.Postgres(_connection))
        {
            writer.Put("k1", "openai", "gpt-4o", new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"similarity\": 80}"))
            {
                Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 14 },
                FinishReason = ChatFinishReason.Stop,
            });
            writer.Put("k1", "openai", "gpt-4o", new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"similarity\": 81}")));
        }
        using var reader = ResponseCache.Postgres(_connection);
        Assert.Equal("{\"similarity\": 81}", reader.TryGet("k1")!.Text);
        Assert.Null(reader.TryGet("k2"));
        Assert.Equal(1, reader.Count);
        Assert.StartsWith("PostgreSQL Host=127.0.0.1", reader.Path);
    }

    [Fact]
    public async Task A_second_run_on_the_shared_cache_pays_for_nothing_the_first_already_asked()
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions(), [new EchoResponder()]);
        var options = new ServiceOptions { Provider = ServiceProvider.Demo, Model = DemoServiceOptions.ModelId, BaseUrl = demo.BaseUrl };
        async Task<string[]> Ask(ServiceClient client) => await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            (await client.Chat.GetResponseAsync($"echo: row {i}", new ChatOptions().WithStage("judge"))).Text));

        using (var alice = ResponseCache.Postgres(_connection))
        using (var first = ServiceClientFactory.Create(options, new ServiceClientParts { Cache = alice }))
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"ECHO row {i}"), await Ask(first));
        Assert.Equal(20, demo.Stats.ChatRequests);

        using var bob = ResponseCache.Postgres(_connection);
        using var second = ServiceClientFactory.Create(options, new ServiceClientParts { Cache = bob });
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"ECHO row {i}"), await Ask(second));
        Assert.Equal(20, demo.Stats.ChatRequests);
        Assert.Equal(20, second.Ledger.Totals().CacheHits);
    }

    [Fact]
    public void An_unreachable_server_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => ResponseCache.Postgres("Host=127.0.0.1;Port=1;Database=x;Username=me;Timeout=2"));
        Assert.Equal("store.connection", e.Field);
    }
}
