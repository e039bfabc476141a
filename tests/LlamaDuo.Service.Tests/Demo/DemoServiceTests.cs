using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Demo.Host;
using OpenAI;
using OpenAI.Chat;

namespace LlamaDuo.Service.Tests.Demo;

public class DemoServiceTests
{
    static ChatClient OfficialClient(RunningDemoService demo) =>
        new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(demo.BaseUrl) })
            .GetChatClient(DemoServiceOptions.ModelId);

    [Fact]
    public async Task Official_openai_client_gets_the_responders_answer_with_usage_and_stand_in_label()
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions(), [new EchoResponder()]);
        ChatCompletion reply = await OfficialClient(demo).CompleteChatAsync(new UserChatMessage("echo: three little words"));

        Assert.Equal("ECHO three little words", reply.Content[0].Text);
        Assert.Equal(DemoServiceOptions.ResponseModel, reply.Model);
        Assert.Contains("stand-in", reply.Model);
        Assert.Equal(4, reply.Usage.InputTokenCount);   // "echo: three little words"
        Assert.Equal(4, reply.Usage.OutputTokenCount);  // "ECHO three little words"
        Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
        Assert.Equal(1, demo.Stats.Answered);
    }

    [Fact]
    public async Task Unrecognised_prompt_gets_the_fixed_stand_in_answer_and_max_tokens_cuts_it()
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions(), [new EchoResponder()]);
        ChatCompletion full = await OfficialClient(demo).CompleteChatAsync(new UserChatMessage("What is 2+2?"));
        Assert.Contains("demo stand-in", full.Content[0].Text);

        ChatCompletion cut = await OfficialClient(demo).CompleteChatAsync([new UserChatMessage("What is 2+2?")],
            new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        Assert.Equal(3, cut.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, cut.FinishReason);
    }

    [Fact]
    public async Task Streaming_through_the_official_client_yields_the_same_text()
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions(), [new EchoResponder()]);
        var text = new StringBuilder();
        await foreach (var update in OfficialClient(demo).CompleteChatStreamingAsync(new UserChatMessage("echo: streamed reply")))
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        Assert.Equal("ECHO streamed reply", text.ToString());
    }

    [Fact]
    public async Task Models_health_stats_and_malformed_requests_answer_in_openai_shape()
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions(), []);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{demo.Port}") };

        var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models")).RootElement;
        Assert.Equal(DemoServiceOptions.ModelId, models.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        var bad = await http.PostAsync("/v1/chat/completions", new StringContent("{\"messages\": 5}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());

        var notJson = await http.PostAsync("/v1/chat/completions", new StringContent("{oops", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        var stats = JsonDocument.Parse(await http.GetStringAsync("/stats")).RootElement;
        Assert.Equal(2, stats.GetProperty("chat_requests").GetInt32());
        Assert.Equal(2, stats.GetProperty("by_outcome").GetProperty("bad_request").GetInt32());
    }

    [Fact]
    public void Fault_spec_parses_rates_and_rejects_bad_entries_by_name()
    {
        var spec = FaultSpec.Parse("429:0.1,500:0.05,timeout:0.02,garbage:0.05,truncated:0.05");
        Assert.Equal(DemoFault.RateLimited, spec.Pick(0.05));
        Assert.Equal(DemoFault.ServerError, spec.Pick(0.12));
        Assert.Equal(DemoFault.Truncated, spec.Pick(0.26));
        Assert.Equal(DemoFault.None, spec.Pick(0.5));

        Assert.Contains("timeout", Assert.Throws<InputException>(() => FaultSpec.Parse("503:0.1")).Message);
        Assert.Contains("[0, 1]", Assert.Throws<InputException>(() => FaultSpec.Parse("429:abc")).Message);
        Assert.Contains("more than 1", Assert.Throws<InputException>(() => FaultSpec.Parse("429:0.7,500:0.5")).Message);
    }
}
