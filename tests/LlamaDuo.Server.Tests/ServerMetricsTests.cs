using LlamaDuo.Core.Telemetry;
using OpenAI.Chat;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// `serve` metrics through OpenTelemetry's in-memory exporter: requests and errors by route and status, time to first
/// token of a streamed answer, tokens/s, and the queue length while a request waits. Points are read for this test's
/// server port only (other tests' servers share the process).
/// </summary>
public class ServerMetricsTests
{
    [Fact]
    public async Task Requests_errors_first_token_tokens_per_second_and_queue_reach_the_exporter()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(LlamaDuoTelemetry.ServerMeterName).AddInMemoryExporter(exported).Build();
        var fake = new FakeChatClient { TokenDelay = TimeSpan.FromMilliseconds(5) };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 1, QueueLimit = 4 });
        var port = harness.Server.BaseUrl.Port;
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        await chat.CompleteChatAsync([new UserChatMessage("one two three")]);
        await foreach (var _ in chat.CompleteChatStreamingAsync([new UserChatMessage("four five six")])) { }
        var bad = await harness.PostJsonAsync("/v1/chat/completions", "{\"messages\": 3}");
        Assert.Equal(400, (int)bad.StatusCode);

        // One generation held open, a second waiting behind it: the queue gauge reads 1.
        var release = new TaskCompletionSource();
        fake.Hold = release.Task;
        var first = chat.CompleteChatAsync([new UserChatMessage("held")]);
        await WaitUntil(() => fake.Calls == 3);
        var second = chat.CompleteChatAsync([new UserChatMessage("queued")]);
        await WaitUntil(() => harness.Server.Queued == 1);
        exported.Clear(); // a flush adds every metric again; read only the last one's points
        provider.ForceFlush();
        Assert.Equal(1, Gauge(exported, "llamaduo.server.queue_length", port));
        Assert.Equal(1, Gauge(exported, "llamaduo.server.running", port));
        release.SetResult();
        await first;
        await second;

        // The client has its answer a moment before the server's middleware counts the request: collect until all five are in.
        await WaitUntil(() =>
        {
            exported.Clear(); // a flush adds every metric again; read only the last one's points
            provider.ForceFlush();
            return Points(exported, "llamaduo.server.requests", port).Sum(p => p.GetSumLong()) == 5;
        });
        var requests = Points(exported, "llamaduo.server.requests", port);
        Assert.Equal(4, requests.Where(p => Tag(p, "http.response.status_code") is 200).Sum(p => p.GetSumLong()));
        Assert.Equal(1, requests.Where(p => Tag(p, "http.response.status_code") is 400).Sum(p => p.GetSumLong()));
        Assert.All(requests, p => Assert.Equal("/v1/chat/completions", Tag(p, "http.route")));
        Assert.Equal(1, Points(exported, "llamaduo.server.errors", port).Sum(p => p.GetSumLong()));
        var firstToken = Points(exported, "llamaduo.server.time_to_first_token", port).Single();
        Assert.Equal(1, firstToken.GetHistogramCount()); // only the streamed answer has a first token to time
        Assert.True(firstToken.GetHistogramSum() > 0);
        var tps = Points(exported, "llamaduo.server.tokens_per_second", port).Single();
        Assert.Equal(4, tps.GetHistogramCount());
        Assert.True(tps.GetHistogramSum() > 0);
    }

    [Fact]
    public async Task A_server_stopping_does_not_silence_another_servers_metrics()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(LlamaDuoTelemetry.ServerMeterName).AddInMemoryExporter(exported).Build();
        await using var kept = await ServerHarness.StartAsync(new FakeChatClient());
        var port = kept.Server.BaseUrl.Port;
        await kept.OpenAI().GetChatClient(ServerHarness.ModelId).CompleteChatAsync([new UserChatMessage("before")]);
        await using (var stopped = await ServerHarness.StartAsync(new FakeChatClient()))
            await stopped.OpenAI().GetChatClient(ServerHarness.ModelId).CompleteChatAsync([new UserChatMessage("other")]);
        await kept.OpenAI().GetChatClient(ServerHarness.ModelId).CompleteChatAsync([new UserChatMessage("after")]);

        await WaitUntil(() =>
        {
            exported.Clear();
            provider.ForceFlush();
            return Points(exported, "llamaduo.server.requests", port).Sum(p => p.GetSumLong()) == 2;
        });
        Assert.Equal(2, Points(exported, "llamaduo.server.tokens_per_second", port).Single().GetHistogramCount());
        exported.Clear();
        provider.ForceFlush();
        Assert.Equal(0, Gauge(exported, "llamaduo.server.queue_length", port));
    }

    static List<MetricPoint> Points(List<Metric> exported, string name, int port)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in exported.Where(m => m.Name == name))
            foreach (ref readonly var p in metric.GetMetricPoints())
                if (Tag(p, "server.port") is int tagged && tagged == port) points.Add(p);
        return points;
    }

    static long Gauge(List<Metric> exported, string name, int port) => Points(exported, name, port).Last().GetGaugeLastValueLong();

    static object? Tag(MetricPoint p, string key)
    {
        foreach (var tag in p.Tags) if (tag.Key == key) return tag.Value;
        return null;
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in 30 s");
            await Task.Delay(10);
        }
    }
}
