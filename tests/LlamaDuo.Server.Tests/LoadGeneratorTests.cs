using LlamaDuo.Server.Load;

namespace LlamaDuo.Server.Tests;

/// <summary>The serve benchmark's load generator, over HTTP and straight to a chat client, against the fake engine.</summary>
public sealed class LoadGeneratorTests
{
    static readonly LoadOptions Load = new() { Clients = 4, Duration = TimeSpan.FromMilliseconds(600), MaxTokens = 3, Prompt = "a b c d e" };

    [Fact]
    public async Task Over_http_every_request_counts_the_servers_usage_and_none_fail()
    {
        var fake = new FakeChatClient { TokenDelay = TimeSpan.FromMilliseconds(5) };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 4 });

        var result = await LoadGenerator.RunAsync(Load, (_, sequence, ct) =>
            StreamingRequests.OverHttpAsync(harness.Http, ServerHarness.ModelId, Load, sequence, ct));

        Assert.Equal(0, result.Errors);
        Assert.True(result.Requests >= 4);
        Assert.Equal(result.Requests, fake.Calls);
        Assert.Equal(3L * result.Requests, result.Tokens);
        Assert.Equal(result.Requests, result.TtftMs.Count);
        Assert.True(result.TtftP50Ms <= result.TtftP99Ms);
    }

    [Fact]
    public async Task Straight_to_the_chat_client_tokens_come_from_usage_and_failures_are_counted()
    {
        var calls = 0;
        var fake = new FakeChatClient
        {
            Reply = (m, _) => Interlocked.Increment(ref calls) % 2 == 1 ? throw new InvalidOperationException("boom") : ["x", "y", "z", "w"],
        };

        var result = await LoadGenerator.RunAsync(Load, (_, sequence, ct) => StreamingRequests.OverChatClientAsync(fake, Load, sequence, ct));

        Assert.True(result.Errors > 0);
        Assert.Contains("boom", result.FirstError);
        Assert.Equal(3L * result.Requests, result.Tokens);
        Assert.Equal(calls, result.Requests + result.Errors);
    }
}
