using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>Bad requests get OpenAI-shaped error bodies with the right status, and the server keeps serving.</summary>
public sealed class ErrorTests
{
    static async Task<(HttpStatusCode Status, JsonElement Error)> PostAsync(ServerHarness harness, string path, string body)
    {
        using var response = await harness.PostJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error").Clone();
        // The OpenAI shape: message and type always, param and code present (possibly null).
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return (response.StatusCode, error);
    }

    [Theory]
    [InlineData("""{"model":"fake-model","messages":[{"role":"user","content":"hi"}""", null)]
    [InlineData("""not json at all""", null)]
    [InlineData("""{"model":"fake-model","temperature":"hot","messages":[{"role":"user","content":"hi"}]}""", "temperature")]
    [InlineData("""{"model":"fake-model","max_tokens":"ten","messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"fake-model","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"fake-model","stop":[1,2],"messages":[{"role":"user","content":"hi"}]}""", "stop")]
    [InlineData("""{"model":"fake-model"}""", "messages")]
    [InlineData("""{"model":"fake-model","messages":[]}""", "messages")]
    [InlineData("""{"model":"fake-model","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"fake-model","messages":[{"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"fake-model","n":0,"messages":[{"role":"user","content":"hi"}]}""", "n")]
    [InlineData("""{"model":"fake-model","n":17,"messages":[{"role":"user","content":"hi"}]}""", "n")]
    [InlineData("""{"model":"fake-model","temperature":3,"messages":[{"role":"user","content":"hi"}]}""", "temperature")]
    [InlineData("""{"model":"fake-model","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""[]""", null)]
    public async Task Bad_chat_requests_are_400_naming_the_parameter(string body, string? param)
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake);

        var (status, error) = await PostAsync(harness, "/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(0, fake.Calls);
    }

    [Theory]
    [InlineData("""{"prompt":5}""", "prompt")]
    [InlineData("""{"prompt":[[1,2,3]]}""", "prompt")]
    [InlineData("""{"max_tokens":4}""", "prompt")]
    public async Task Bad_completion_requests_are_400(string body, string param)
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        var (status, error) = await PostAsync(harness, "/v1/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(param, error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("""{"temperature":"hot","messages":[{"role":"user","content":"hi"}]}""", "Invalid type for 'temperature': expected a number.")]
    [InlineData("""{"n":1.5,"messages":[{"role":"user","content":"hi"}]}""", "Invalid type for 'n': expected an integer.")]
    [InlineData("""{"stream":"yes","messages":[{"role":"user","content":"hi"}]}""", "Invalid type for 'stream': expected a boolean.")]
    [InlineData("""{"messages":{"role":"user"}}""", "Invalid type for 'messages': expected an array of message objects.")]
    public async Task Wrong_types_are_described_in_wire_terms(string body, string message)
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        var (_, error) = await PostAsync(harness, "/v1/chat/completions", body);

        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_400_context_length_exceeded_and_the_server_keeps_serving()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake, model: m => m with
        {
            ContextLength = 16,
            CountChatTokens = messages => messages.Sum(x => x.Text.Length),
            CountTextTokens = text => text.Length,
        });
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(new string('a', 40))]));
        Assert.Equal(400, refused.Status);
        Assert.Contains("context_length_exceeded", refused.Message);
        var (status, _) = await PostAsync(harness, "/v1/completions", """{"prompt":["short","this prompt is far too long"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, fake.Calls);

        ChatCompletion ok = await chat.CompleteChatAsync([new UserChatMessage("short")]);
        Assert.Equal("You said: short", ok.Content[0].Text);
    }

    [Fact]
    public async Task An_unknown_model_is_404_model_not_found()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        var chat = harness.OpenAI().GetChatClient("gpt-4o");

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, refused.Status);
        var (status, error) = await PostAsync(harness, "/v1/completions", """{"model":"nope","prompt":"x"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Without_the_key_or_with_a_wrong_one_v1_is_401_and_the_right_key_is_served()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { ApiKey = "sk-right-key" });
        using var anonymous = new HttpClient { BaseAddress = harness.Server.BaseUrl };

        using var missing = await anonymous.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using var body = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.Equal("invalid_api_key", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("sk-right-key", body.RootElement.GetRawText());

        var wrong = await Assert.ThrowsAsync<ClientResultException>(() =>
            harness.OpenAI("sk-wrong-key").GetChatClient(ServerHarness.ModelId).CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, wrong.Status);
        Assert.Equal(0, fake.Calls);

        ChatCompletion ok = await harness.OpenAI().GetChatClient(ServerHarness.ModelId).CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.Equal("You said: hi", ok.Content[0].Text);
    }

    [Fact]
    public async Task An_engine_failure_is_a_500_without_internals_and_the_next_request_is_served()
    {
        var calls = 0;
        var fake = new FakeChatClient
        {
            Reply = (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("secret internals") : ["fine"],
        };
        await using var harness = await ServerHarness.StartAsync(fake);

        var (status, error) = await PostAsync(harness, "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("secret", error.GetProperty("message").GetString());

        using var next = await harness.PostJsonAsync("/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }
}
