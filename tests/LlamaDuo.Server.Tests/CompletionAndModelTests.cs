using System.Net;
using System.Text.Json;

namespace LlamaDuo.Server.Tests;

/// <summary>POST /v1/completions (raw text), GET /v1/models and GET /health.</summary>
public sealed class CompletionAndModelTests
{
    [Fact]
    public async Task Completion_continues_each_prompt_of_an_array_with_usage()
    {
        var fake = new FakeChatClient { Reply = (m, _) => [m[0].Text.ToUpperInvariant()] };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 4 });
        using var response = await harness.PostJsonAsync("/v1/completions", """{"model":"fake-model","prompt":["ab","cd"],"n":2}""");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", json.RootElement.GetProperty("object").GetString());
        var texts = json.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString());
        Assert.Equal(["AB", "AB", "CD", "CD"], texts);
        Assert.Equal(4, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completion_uses_the_raw_completion_client_when_the_model_has_one()
    {
        var chat = new FakeChatClient();
        var raw = new FakeChatClient { Reply = (m, _) => [" and then"] };
        await using var harness = await ServerHarness.StartAsync(chat, model: m => m with { Completion = raw });
        using var response = await harness.PostJsonAsync("/v1/completions", """{"prompt":"Once upon a time","stream":true}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"text\":\" and then\"", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Equal(1, raw.Calls);
        Assert.Equal(0, chat.Calls);
        Assert.Equal("Once upon a time", raw.LastMessages![0].Text);
    }

    [Fact]
    public async Task Models_lists_the_served_model_through_the_openai_client()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        var models = (await harness.OpenAI().GetOpenAIModelClient().GetModelsAsync()).Value;

        Assert.Equal([ServerHarness.ModelId], models.Select(m => m.Id));
    }

    [Fact]
    public async Task Health_is_open_even_when_a_key_is_required()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient(), new ServerOptions { ApiKey = "k-123" });
        using var http = new HttpClient { BaseAddress = harness.Server.BaseUrl };

        using var response = await http.GetAsync("/health");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
    }
}
