using System.Diagnostics;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Middleware;

public class RateLimitTests
{
    static ServiceClient Client(StubServer stub, int rpm = 0, int tpm = 0, int concurrency = 64) => ServiceClientFactory.Create(new ServiceOptions
    {
        Provider = ServiceProvider.OpenAICompatible,
        Model = "stub-model",
        BaseUrl = stub.BaseUrl + "/v1",
        TimeoutSeconds = 60,   // a cold first request on a loaded machine must not time out and be retried
        Limits = new ServiceLimits { Rpm = rpm, Tpm = tpm, Concurrency = concurrency },
    });

    [Fact]
    public async Task Requests_per_minute_holds_the_rate_after_the_one_second_burst()
    {
        using var stub = new StubServer((_, _) => OpenAiReplies.Ok());
        using var client = Client(stub, rpm: 1200); // 20/s, burst of 20
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => client.Chat.GetResponseAsync($"call {i}")));
        // 20 go at once, the other 40 at 20/s: at least 2 s. The upper bound only rules out a limiter that refills per
        // minute (that would take over a minute); a loaded machine adds seconds of cold start to the 2 s.
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.9, 15);
        Assert.Equal(60, stub.Requests.Count);
    }

    [Fact]
    public async Task Tokens_per_minute_throttles_large_requests()
    {
        using var stub = new StubServer((_, _) => OpenAiReplies.Ok());
        using var client = Client(stub, tpm: 60_000); // 1000 tokens/s, burst 1000
        var prompt = new string('x', 2000); // ~500 tokens + 100 output each
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.Chat.GetResponseAsync(prompt + i, new ChatOptions { MaxOutputTokens = 100 })));
        // 6 x ~601 tokens = ~3600; 1000 up front, the rest at 1000/s: ~2.6 s. The upper bound only rules out a
        // limiter that refills per minute; a loaded 2-core machine (the whole suite at load 20) has taken 6.1 s.
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.2, 15);
    }

    [Fact]
    public async Task Concurrency_is_bounded()
    {
        using var stub = new StubServer((_, _) => OpenAiReplies.Ok() with { DelayMs = 100 });
        using var client = Client(stub, concurrency: 3);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.Chat.GetResponseAsync($"call {i}")));
        Assert.Equal(3, stub.MaxInFlight);
    }
}
