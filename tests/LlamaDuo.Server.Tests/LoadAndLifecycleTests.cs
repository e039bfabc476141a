using System.Net;
using System.Net.Sockets;
using LlamaDuo.Core.Errors;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>Many clients at once, the parallel bound, the queue bound, graceful shutdown and binding rules.</summary>
public sealed class LoadAndLifecycleTests
{
    [Fact]
    public async Task Thirty_two_concurrent_clients_are_all_answered_with_at_most_parallel_generations_running()
    {
        var fake = new FakeChatClient { TokenDelay = TimeSpan.FromMilliseconds(5) };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 4, QueueLimit = 64 });
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        var replies = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            if (i % 2 == 0) return (await chat.CompleteChatAsync([new UserChatMessage($"client {i}")])).Value.Content[0].Text;
            var text = "";
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage($"client {i}")]))
                text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            return text;
        }));

        Assert.Equal(Enumerable.Range(0, 32).Select(i => $"You said: client {i}"), replies);
        Assert.Equal(32, fake.Calls);
        Assert.Equal(4, fake.Peak);
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after()
    {
        var release = new TaskCompletionSource();
        var fake = new FakeChatClient { Hold = release.Task };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 1, QueueLimit = 1, RetryAfterSeconds = 3 });
        const string body = """{"messages":[{"role":"user","content":"hi"}]}""";

        var running = harness.PostJsonAsync("/v1/chat/completions", body);
        await WaitUntil(() => fake.Calls == 1);
        var queued = harness.PostJsonAsync("/v1/chat/completions", body);
        await WaitUntil(() => harness.Server.Queued == 1);
        using var refused = await harness.PostJsonAsync("/v1/chat/completions", body);

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("rate_limit_exceeded", await refused.Content.ReadAsStringAsync());
        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await queued).StatusCode);
    }

    [Fact]
    public async Task Shutdown_finishes_a_stream_in_flight_and_then_refuses_connections()
    {
        var fake = new FakeChatClient
        {
            TokenDelay = TimeSpan.FromMilliseconds(40),
            Reply = (_, _) => Enumerable.Range(0, 20).Select(i => $" t{i}"),
        };
        var harness = await ServerHarness.StartAsync(fake);
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        var text = "";
        Task? stopping = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("go")]))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            if (stopping is null && text.Length > 0) stopping = harness.Server.StopAsync();
        }
        await stopping!;

        Assert.Equal(string.Concat(Enumerable.Range(0, 20).Select(i => $" t{i}")), text);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => new HttpClient().GetAsync(new Uri(harness.Server.BaseUrl, "/health")));
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_stream_frees_its_slot()
    {
        var fake = new FakeChatClient { TokenDelay = TimeSpan.FromMilliseconds(20), Reply = (_, _) => Enumerable.Repeat(" word", 10_000) };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 1 });
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        using (var hangUp = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("go")], cancellationToken: hangUp.Token))
                    if (update.ContentUpdate.Any(p => p.Text.Length > 0)) hangUp.Cancel();
            });
        }
        await WaitUntil(() => harness.Server.Running == 0);

        ChatCompletion next = await chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        Assert.Equal(" word word word", next.Content[0].Text);
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_input_error()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InputException>(() =>
            LlamaDuoServer.StartAsync(new ServedModel("m", new FakeChatClient()), new ServerOptions { Port = port }));
        Assert.Contains("already in use", error.Message);
        Assert.Contains(port.ToString(), error.Message);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    public async Task A_non_loopback_host_needs_explicit_consent(string host)
    {
        var error = await Assert.ThrowsAsync<InputException>(() =>
            LlamaDuoServer.StartAsync(new ServedModel("m", new FakeChatClient()), new ServerOptions { Host = host, Port = 0 }));
        Assert.Equal("host", error.Field);
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        // A deadline, not a count of polls: on a loaded machine the first request to a new server can take seconds.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(condition());
    }
}
