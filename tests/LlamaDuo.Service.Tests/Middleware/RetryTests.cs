using System.Diagnostics;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Middleware;

/// <summary>The retry layer against a scripted loopback server, through the real OpenAI SDK.</summary>
public class RetryTests
{
    // A generous timeout unless a test is about timeouts: a first request on a cold, loaded machine (JIT, Kestrel start)
    // took over 1 s in CI, timed out and was retried, so a permanent 403 was counted as sent twice.
    static ServiceClient Client(StubServer stub, int maxRetries = 4, int timeoutS = 30) => ServiceClientFactory.Create(new ServiceOptions
    {
        Provider = ServiceProvider.OpenAICompatible,
        Model = "stub-model",
        BaseUrl = stub.BaseUrl + "/v1",
        TimeoutSeconds = timeoutS,
        Retries = maxRetries,
    }, new ServiceClientParts { Backoff = new RetryBackoff { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) } });

    [Fact]
    public async Task Retry_after_in_seconds_is_waited_out_before_the_retry()
    {
        using var stub = new StubServer((i, _) => i == 0
            ? OpenAiReplies.Error(429, "rate_limit_error", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : OpenAiReplies.Ok());
        using var client = Client(stub);
        var clock = Stopwatch.StartNew();
        var reply = await client.Chat.GetResponseAsync("hi");
        Assert.Equal("Hello there.", reply.Text);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.95, 15);   // the wait, plus cold starts on a loaded machine
        Assert.Equal(2, client.Ledger.Entries.Single().Attempts);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_honoured()
    {
        using var stub = new StubServer((i, _) => i == 0
            ? OpenAiReplies.Error(503, headers: new Dictionary<string, string> { ["Retry-After"] = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R") })
            : OpenAiReplies.Ok());
        using var client = Client(stub);
        var clock = Stopwatch.StartNew();
        await client.Chat.GetResponseAsync("hi");
        // The date has one-second resolution, so the wait is between 1 and 2 seconds.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.95, 15);   // the wait, plus cold starts on a loaded machine
    }

    [Fact]
    public async Task Permanent_errors_fail_at_once_and_transient_ones_after_bounded_attempts()
    {
        using var badRequest = new StubServer((_, _) => OpenAiReplies.Error(400, "invalid_request_error"));
        using (var client = Client(badRequest))
        {
            var e = await Assert.ThrowsAsync<ServiceCallException>(() => client.Chat.GetResponseAsync("hi"));
            Assert.Equal((1, 400, false), (e.Attempts, e.StatusCode, e.Transient));
        }

        using var down = new StubServer((_, _) => OpenAiReplies.Error(500));
        using (var client = Client(down, maxRetries: 3))
        {
            var e = await Assert.ThrowsAsync<ServiceCallException>(() => client.Chat.GetResponseAsync("hi"));
            Assert.Equal((4, 500, true), (e.Attempts, e.StatusCode, e.Transient));
            Assert.Equal(4, down.Requests.Count);
            var entry = client.Ledger.Entries.Single();
            Assert.False(entry.Ok);
            Assert.Equal(4, entry.Attempts);
        }
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    public async Task A_permanent_error_is_sent_once_whatever_the_retry_setting(int status, string type)
    {
        using var stub = new StubServer((_, _) => OpenAiReplies.Error(status, type));
        using var client = Client(stub, maxRetries: 6);
        var e = await Assert.ThrowsAsync<ServiceCallException>(() => client.Chat.GetResponseAsync("hi"));
        Assert.Equal((1, status, false), (e.Attempts, e.StatusCode, e.Transient));
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task A_call_may_allow_fewer_retries_than_the_client()
    {
        using var down = new StubServer((_, _) => OpenAiReplies.Error(503));
        using var client = Client(down, maxRetries: 6);
        var e = await Assert.ThrowsAsync<ServiceCallException>(() => client.Chat.GetResponseAsync("hi", new ChatOptions().WithMaxRetries(1)));
        Assert.Equal(2, e.Attempts);
        Assert.Equal(2, down.Requests.Count);
    }

    [Fact]
    public async Task A_hung_request_times_out_and_the_retry_succeeds()
    {
        // A 3 s attempt timeout: the retry is the first reply the client parses (cold code) and must fit in it too.
        using var stub = new StubServer((i, _) => i == 0 ? OpenAiReplies.Ok() with { DelayMs = 60_000 } : OpenAiReplies.Ok("second"));
        using var client = Client(stub, timeoutS: 3);
        var clock = Stopwatch.StartNew();
        var reply = await client.Chat.GetResponseAsync("hi");
        Assert.Equal("second", reply.Text);
        Assert.Equal(2, stub.Requests.Count);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.9, 30);   // one timeout, then the retry; far under the 60 s hang
    }

    [Fact]
    public async Task Cancelling_a_request_on_the_wire_stops_it_without_a_retry_or_a_ledger_failure()
    {
        // Cancelled 300 ms after the request reached the server, not after the test started: on a loaded machine the
        // first request can take longer than that to arrive, and then nothing would be on the wire to cancel.
        using var cancel = new CancellationTokenSource();
        using var stub = new StubServer((_, _) =>
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
            return OpenAiReplies.Ok() with { DelayMs = 60_000 };
        });
        using var client = Client(stub, timeoutS: 120);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Chat.GetResponseAsync("hi", cancellationToken: cancel.Token));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.25, 30); // far under the 60 s reply
        Assert.Single(stub.Requests);
        Assert.Empty(client.Ledger.Entries); // cancelled, not failed
    }

    [Fact]
    public async Task Cancelling_during_a_retry_after_wait_ends_the_wait()
    {
        // Cancelled 500 ms after the first request reached the server (see above), so the cancel lands in the 20 s wait.
        using var cancel = new CancellationTokenSource();
        using var stub = new StubServer((_, _) =>
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
            return OpenAiReplies.Error(429, "rate_limit_error", new Dictionary<string, string> { ["Retry-After"] = "20" });
        });
        using var client = Client(stub);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Chat.GetResponseAsync("hi", cancellationToken: cancel.Token));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.45, 10); // far from the 20 s Retry-After
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Full_jitter_backoff_stays_under_the_exponential_ceiling()
    {
        var backoff = new RetryBackoff { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        using var retry = new ResilientChatClient(new DelegatingFake(), new ResilienceOptions(6, TimeSpan.FromSeconds(1), 0, 0, 1, backoff), new Random(3));
        var waits = Enumerable.Range(1, 6).Select(n => retry.DelayBefore(n, null).TotalMilliseconds).ToArray();
        for (var n = 1; n <= 6; n++) Assert.InRange(waits[n - 1], 0, Math.Min(1000, 100 * Math.Pow(2, n - 1)));
        Assert.True(waits.Distinct().Count() > 1, "jitter should vary the waits");
        Assert.Equal(TimeSpan.FromSeconds(7), retry.DelayBefore(1, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromMinutes(2), retry.DelayBefore(1, TimeSpan.FromHours(5)));
        await Task.CompletedTask;
    }

    sealed class DelegatingFake : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }
}
