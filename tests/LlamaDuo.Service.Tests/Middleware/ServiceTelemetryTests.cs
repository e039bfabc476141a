using System.Diagnostics;
using LlamaDuo.Core.Telemetry;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LlamaDuo.Service.Tests.Middleware;

/// <summary>
/// Each service-LLM call is one GenAI span (Microsoft.Extensions.AI's OpenTelemetry client) carrying the model, the
/// token usage and the ledger's dollars; a cache hit is a span too, at $0. With nothing listening no span is made.
/// </summary>
public sealed class ServiceTelemetryTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-otel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    ServiceClient Client(StubServer stub) => ServiceClientFactory.Create(new ServiceOptions
    {
        Provider = ServiceProvider.OpenAICompatible,
        Model = "gpt-4o",
        BaseUrl = stub.BaseUrl + "/v1",
        TimeoutSeconds = 60,   // one request each: a cold start must not time out and be sent twice
    }, new ServiceClientParts { CachePath = Path.Combine(_dir, "cache.db") });

    [Fact]
    public async Task A_call_is_a_gen_ai_span_with_model_tokens_and_cost()
    {
        using var stub = new StubServer((_, _) => new StubReply(200, OpenAiReplies.Completion("fine", promptTokens: 1000, completionTokens: 200)));
        using var client = Client(stub);
        var spans = new List<Activity>();
        using var parent = new ActivitySource("test-parent");
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource("test-parent", LlamaDuoTelemetry.ServiceSourceName).AddInMemoryExporter(spans).Build())
        using (var stage = parent.StartActivity("stage judge"))
        {
            var options = new ChatOptions().WithStage("judge");
            await client.Chat.GetResponseAsync("judge this", options);
            await client.Chat.GetResponseAsync("judge this", options); // answered by the cache
        }

        // Other tests in this process make service calls at the same time: keep this test's trace only.
        var root = spans.Single(s => s.DisplayName == "stage judge");
        var calls = spans.Where(s => s.Source.Name == LlamaDuoTelemetry.ServiceSourceName && s.TraceId == root.TraceId).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(root.SpanId, c.ParentSpanId));
        var paid = calls[0];
        Assert.Equal("chat gpt-4o", paid.DisplayName);
        Assert.Equal("chat", paid.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("gpt-4o", paid.GetTagItem("gen_ai.request.model"));
        Assert.Equal(1000, Convert.ToInt64(paid.GetTagItem("gen_ai.usage.input_tokens")));
        Assert.Equal(200, Convert.ToInt64(paid.GetTagItem("gen_ai.usage.output_tokens")));
        Assert.Equal(0.0045, (double)paid.GetTagItem(LlamaDuoTelemetry.CostAttribute)!, 9); // (1000 x 2.50 + 200 x 10) / 1e6
        Assert.Equal("judge", paid.GetTagItem("llamaduo.stage"));
        Assert.Equal(false, paid.GetTagItem("llamaduo.cache_hit"));
        Assert.Equal(0.0, (double)calls[1].GetTagItem(LlamaDuoTelemetry.CostAttribute)!);
        Assert.Equal(true, calls[1].GetTagItem("llamaduo.cache_hit"));
        Assert.DoesNotContain(paid.Tags, t => t.Value?.Contains("judge this") == true); // prompts stay out of traces
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Without_a_listener_no_span_is_made()
    {
        using var stub = new StubServer((_, _) => OpenAiReplies.Ok());
        using var client = Client(stub);
        Activity? seen = null;
        var inner = new ChatClientBuilder(new SpyClient(a => seen = a)).UseServiceTelemetry().Build();
        await inner.GetResponseAsync("hi");
        Assert.Null(seen);
        await client.Chat.GetResponseAsync("hi");
        Assert.Single(stub.Requests);
    }

    sealed class SpyClient(Action<Activity?> see) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            see(Activity.Current);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
