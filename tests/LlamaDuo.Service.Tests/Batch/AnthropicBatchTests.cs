using System.Net;
using System.Text;
using System.Text.Json;
using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Batch;

/// <summary>Anthropic Message Batches (create, poll, results_url) against the demo service's endpoints.</summary>
public class AnthropicBatchTests
{
    [Fact]
    public async Task Concurrent_calls_go_out_as_one_message_batch_with_results_by_custom_id()
    {
        await using var demo = await BatchHarness.StartDemo();
        using var service = BatchHarness.Client(BatchHarness.Options(demo, ServiceProvider.Anthropic));

        var results = await BatchHarness.EchoCalls(service.Chat, 12);

        Assert.All(results, r => Assert.Null(r.Error));
        for (int i = 0; i < 12; i++) Assert.Equal($"ECHO call {i}", results[i].Response!.Text);
        Assert.Equal(1, demo.Stats.BatchesCreated);
        Assert.StartsWith("msgbatch_", BatchTags.BatchIdOf(results[0].Response!));
        Assert.Equal(3, results[0].Response!.Usage!.InputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, results[0].Response!.FinishReason);
        Assert.All(service.Ledger.Entries, e => Assert.NotNull(e.Batch));
    }

    [Fact]
    public async Task Errored_and_expired_results_fail_their_own_calls()
    {
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 20, FailRate = 0.3, ExpireAfter = 15 });
        using var service = BatchHarness.Client(BatchHarness.Options(demo, ServiceProvider.Anthropic));

        var results = await BatchHarness.EchoCalls(service.Chat, 20);

        var errors = results.Where(r => r.Error is not null).Select(r => Assert.IsType<ServiceCallException>(r.Error).Message).ToList();
        Assert.Equal(5, errors.Count(m => m.Contains("expired:")));
        Assert.Contains(errors, m => m.Contains("errored: api_error"));
        Assert.All(results.Where(r => r.Error is null), r => Assert.StartsWith("ECHO call", r.Response!.Text));
    }

    [Fact]
    public void Params_follow_the_messages_api_shape()
    {
        var p = System.Text.Json.Nodes.JsonNode.Parse(AnthropicBatchJson.Params(new BatchRequest("k", [new ChatMessage(ChatRole.System, "you judge"), new ChatMessage(ChatRole.User, "rate this")],
            new ChatOptions { Temperature = 0.7f }), "claude-sonnet-4-20250514").ToJsonString())!;
        Assert.Equal("claude-sonnet-4-20250514", (string?)p["model"]);
        Assert.Equal(AnthropicBatchJson.DefaultMaxTokens, (int)p["max_tokens"]!);
        Assert.Equal("you judge", (string?)p["system"]);
        Assert.Single(p["messages"]!.AsArray());
        Assert.Equal("user", (string?)p["messages"]![0]!["role"]);
        Assert.Equal(0.7, (double)p["temperature"]!, 3);
    }

    [Fact]
    public async Task The_server_validates_requests_as_the_api_does()
    {
        await using var demo = await BatchHarness.StartDemo();
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{demo.Port}/v1/messages/batches";
        async Task<(HttpStatusCode, JsonElement)> Post(string body, bool key = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (key) request.Headers.Add("x-api-key", "k");
            request.Headers.Add("anthropic-version", AnthropicBatchApi.Version);
            var response = await http.SendAsync(request);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        }

        var (noKey, noKeyBody) = await Post("""{"requests":[]}""", key: false);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey);
        Assert.Equal("authentication_error", noKeyBody.GetProperty("error").GetProperty("type").GetString());

        var (badId, badIdBody) = await Post("""{"requests":[{"custom_id":"has space","params":{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}]}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, badId);
        Assert.Equal("error", badIdBody.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", badIdBody.GetProperty("error").GetProperty("type").GetString());

        var (noMax, noMaxBody) = await Post("""{"requests":[{"custom_id":"a","params":{"model":"m","messages":[{"role":"user","content":"x"}]}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, noMax);
        Assert.Contains("max_tokens", noMaxBody.GetProperty("error").GetProperty("message").GetString());

        var (ok, okBody) = await Post("""{"requests":[{"custom_id":"a","params":{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"echo: hi"}]}}]}""");
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("message_batch", okBody.GetProperty("type").GetString());
        Assert.Equal("in_progress", okBody.GetProperty("processing_status").GetString());
        Assert.Equal(JsonValueKind.Null, okBody.GetProperty("results_url").ValueKind);
        Assert.Equal(0, demo.Stats.BatchesCreated - 1);
    }
}
