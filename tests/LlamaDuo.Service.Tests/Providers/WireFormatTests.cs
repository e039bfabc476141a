using System.Text.Json;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Providers;

/// <summary>
/// What our providers put on the wire and read back, checked against the shapes the providers document:
/// OpenAI's chat completions (POST /v1/chat/completions, Authorization: Bearer) and Anthropic's Messages API
/// (POST /v1/messages, x-api-key, anthropic-version, system as a top-level field, max_tokens required).
/// </summary>
public class WireFormatTests
{
    static readonly ChatMessage[] Conversation =
    [
        new(ChatRole.System, "You are a careful judge."),
        new(ChatRole.User, "Rate this answer."),
    ];

    static Func<string, string?> Env(string name, string value) => n => n == name ? value : null;

    static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Concat(content.EnumerateArray().Select(b => b.GetProperty("text").GetString()));

    [Theory]
    [InlineData("openai")]
    [InlineData("gemini")]
    public async Task OpenAi_chat_completions_request_and_response(string provider)
    {
        using var stub = new StubServer((_, _) => new StubReply(200, OpenAiReplies.Completion("Fine.", promptTokens: 21, completionTokens: 3)));
        using var client = ServiceClientFactory.Create(
            new ServiceOptions { Provider = provider == "gemini" ? ServiceProvider.Gemini : ServiceProvider.OpenAI, Model = "gpt-4o-mini", BaseUrl = stub.BaseUrl + "/v1", ApiKeyEnv = "WIRE_KEY", Retries = 0 },
            new ServiceClientParts { Environment = Env("WIRE_KEY", "sk-wire-123") });

        var reply = await client.Chat.GetResponseAsync(Conversation, new ChatOptions { Temperature = 0.25f, MaxOutputTokens = 300, Seed = 42, ResponseFormat = ChatResponseFormat.Json });

        var request = Assert.Single(stub.Requests);
        Assert.Equal(("POST", "/v1/chat/completions"), (request.Method, request.Path));
        Assert.Equal("Bearer sk-wire-123", request.Headers["authorization"]);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        var messages = body.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Rate this answer.", Text(messages[1].GetProperty("content")));
        Assert.Equal(0.25, body.GetProperty("temperature").GetDouble(), 3);
        // The current SDK sends max_completion_tokens (OpenAI's replacement for the deprecated max_tokens).
        var maxTokens = body.TryGetProperty("max_completion_tokens", out var mct) ? mct : body.GetProperty("max_tokens");
        Assert.Equal(300, maxTokens.GetInt32());
        Assert.Equal(42, body.GetProperty("seed").GetInt64());
        Assert.Equal("json_object", body.GetProperty("response_format").GetProperty("type").GetString());
        Assert.False(request.Body.Contains("llamaduo."), "our own tags must not reach the provider");

        Assert.Equal("Fine.", reply.Text);
        Assert.Equal(21, reply.Usage?.InputTokenCount);
        Assert.Equal(3, reply.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
        var entry = Assert.Single(client.Ledger.Entries);
        Assert.Equal((21L, 3L), (entry.InputTokens, entry.OutputTokens));
        Assert.Equal((21 * 0.15m + 3 * 0.60m) / 1_000_000m, entry.Dollars);
    }

    const string AnthropicReply = """
        {
          "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
          "type": "message",
          "role": "assistant",
          "model": "claude-sonnet-4-20250514",
          "content": [{ "type": "text", "text": "Scores follow." }],
          "stop_reason": "end_turn",
          "stop_sequence": null,
          "usage": { "input_tokens": 25, "output_tokens": 4 }
        }
        """;

    [Fact]
    public async Task Anthropic_messages_request_and_response()
    {
        using var stub = new StubServer((_, _) => new StubReply(200, AnthropicReply));
        using var client = ServiceClientFactory.Create(
            new ServiceOptions { Provider = ServiceProvider.Anthropic, Model = "claude-sonnet-4-20250514", BaseUrl = stub.BaseUrl, Retries = 0 },
            new ServiceClientParts { Environment = Env("ANTHROPIC_API_KEY", "sk-ant-wire-456") });

        var reply = await client.Chat.GetResponseAsync(Conversation, new ChatOptions { Temperature = 0.5f, MaxOutputTokens = 200 }.WithStageTag("judge"));

        var request = Assert.Single(stub.Requests);
        Assert.Equal(("POST", "/v1/messages"), (request.Method, request.Path));
        Assert.Equal("sk-ant-wire-456", request.Headers["x-api-key"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", request.Headers["anthropic-version"]);
        Assert.False(request.Headers.ContainsKey("authorization"));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("claude-sonnet-4-20250514", body.GetProperty("model").GetString());
        Assert.Equal(200, body.GetProperty("max_tokens").GetInt32());
        // Anthropic SDK 13.14's MessageCreateParams has no temperature (nor top_p), so none is sent: a known limit.
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.Equal("You are a careful judge.", Text(body.GetProperty("system")));
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("Rate this answer.", Text(message.GetProperty("content")));

        Assert.Equal("Scores follow.", reply.Text);
        Assert.Equal(25, reply.Usage?.InputTokenCount);
        Assert.Equal(4, reply.Usage?.OutputTokenCount);
        var entry = Assert.Single(client.Ledger.Entries);
        Assert.Equal("judge", entry.Stage);
        Assert.Equal((25 * 3m + 4 * 15m) / 1_000_000m, entry.Dollars);
    }
}

static class StageTagExtensions
{
    public static ChatOptions WithStageTag(this ChatOptions options, string stage) => LlamaDuo.Service.Middleware.ServiceCallTags.WithStage(options, stage);
}
