using System.Net;
using System.Text;
using System.Text.Json;
using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Batch;

/// <summary>OpenAI Batch (upload, create, poll, download output and error files) against the demo service's endpoints.</summary>
public class OpenAiBatchTests
{
    [Fact]
    public async Task Concurrent_calls_go_out_as_one_batch_and_each_caller_gets_its_answer()
    {
        await using var demo = await BatchHarness.StartDemo();
        var progress = new List<string>();
        using var service = BatchHarness.Client(BatchHarness.Options(demo), progress: progress);

        var results = await BatchHarness.EchoCalls(service.Chat, 20);

        Assert.All(results, r => Assert.Null(r.Error));
        for (int i = 0; i < 20; i++) Assert.Equal($"ECHO call {i}", results[i].Response!.Text);
        Assert.Equal(1, demo.Stats.BatchesCreated);
        Assert.Equal(20, demo.Stats.BatchLines);
        Assert.Equal(0, demo.Stats.ChatRequests); // nothing went through /v1/chat/completions
        var batchId = BatchTags.BatchIdOf(results[0].Response!);
        Assert.StartsWith("batch_", batchId);
        Assert.All(service.Ledger.Entries, e => Assert.Equal(batchId, e.Batch));
        Assert.Equal(3, results[0].Response!.Usage!.InputTokenCount);  // "echo: call 0"
        Assert.Equal(ChatFinishReason.Stop, results[0].Response!.FinishReason);
        Assert.Contains(progress, l => l.Contains("submitted batch") && l.Contains("20"));
        Assert.Contains(progress, l => l.Contains("completed: 20/20 done"));
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_is_found_by_its_submission_key_and_not_paid_twice()
    {
        // The server makes the batch but answers 500 (twice): without the lookup each retry would be another billed batch.
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 50, LoseCreateAnswers = 2 });
        using var service = BatchHarness.Client(BatchHarness.Options(demo));

        var results = await BatchHarness.EchoCalls(service.Chat, 12);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"ECHO call {i}"), results.Select(r => r.Response!.Text));
        Assert.Equal(1, demo.Stats.BatchesCreated);
        Assert.Equal(12, demo.Stats.BatchLines);

        // The list endpoint the lookup uses, as documented: newest first, with metadata, a limit and has_more.
        using var http = new HttpClient();
        using var list = JsonDocument.Parse(await http.GetStringAsync($"{demo.BaseUrl}/batches?limit=1"));
        var only = Assert.Single(list.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(32, only.GetProperty("metadata").GetProperty(OpenAiBatchApi.SubmissionKey).GetString()!.Length);
        Assert.False(list.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"{demo.BaseUrl}/batches?limit=101")).StatusCode);
    }

    [Fact]
    public async Task Lines_in_the_error_file_fail_their_own_call_only()
    {
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 20, FailRate = 0.3 });
        using var service = BatchHarness.Client(BatchHarness.Options(demo));

        var results = await BatchHarness.EchoCalls(service.Chat, 40);

        var failed = results.Where(r => r.Error is not null).ToList();
        Assert.InRange(failed.Count, 3, 25);
        Assert.All(failed, r => Assert.Contains("HTTP 500", Assert.IsType<ServiceCallException>(r.Error).Message));
        Assert.All(results.Where(r => r.Error is null), r => Assert.StartsWith("ECHO call", r.Response!.Text));
        Assert.Equal(failed.Count, service.Ledger.Totals().Failures);
        Assert.Equal(1, demo.Stats.BatchesCreated);
    }

    [Fact]
    public async Task An_expired_batch_answers_what_finished_and_fails_the_rest_as_expired()
    {
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 20, ExpireAfter = 4 });
        using var service = BatchHarness.Client(BatchHarness.Options(demo));

        var results = await BatchHarness.EchoCalls(service.Chat, 10);

        Assert.Equal(4, results.Count(r => r.Error is null));
        Assert.All(results.Where(r => r.Error is not null), r => Assert.Contains("batch_expired", r.Error!.Message));
        Assert.All(results.Where(r => r.Error is not null), r => Assert.Contains("(expired)", r.Error!.Message));
    }

    [Fact]
    public void Request_lines_follow_the_documented_shape()
    {
        var line = OpenAiBatchJson.RequestLine(new BatchRequest("abc", [new ChatMessage(ChatRole.User, "hi")],
            new ChatOptions { Instructions = "be brief", Temperature = 0.7f, MaxOutputTokens = 64, Seed = 3, ResponseFormat = ChatResponseFormat.Json }), "gpt-4o");
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("abc", root.GetProperty("custom_id").GetString());
        Assert.Equal("POST", root.GetProperty("method").GetString());
        Assert.Equal("/v1/chat/completions", root.GetProperty("url").GetString());
        var body = root.GetProperty("body");
        Assert.Equal("gpt-4o", body.GetProperty("model").GetString());
        Assert.Equal("system", body.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("hi", body.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.Equal(0.7, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(64, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(3, body.GetProperty("seed").GetInt64());
        Assert.Equal("json_object", body.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_server_validates_requests_as_the_api_does()
    {
        await using var demo = await BatchHarness.StartDemo();
        using var http = new HttpClient();
        var missing = await http.PostAsync(demo.BaseUrl + "/batches",
            new StringContent("""{"endpoint":"/v1/chat/completions","completion_window":"24h"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using (var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()))
        {
            Assert.Equal("input_file_id", error.RootElement.GetProperty("error").GetProperty("param").GetString());
            Assert.Equal("invalid_request_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        }
        var notFound = await http.GetAsync(demo.BaseUrl + "/batches/batch_nope");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);

        // Two lines with one custom id: the batch fails validation as a whole, with the line named.
        var api = new OpenAiBatchApi(http, demo.BaseUrl, "key", "demo");
        var request = new BatchRequest("same", [new ChatMessage(ChatRole.User, "echo: x")], null);
        var id = await api.SubmitAsync([request, request], DemoServiceOptions.ModelId, "judge", default);
        BatchState state;
        do { await Task.Delay(30); state = await api.PollAsync(id, default); } while (!state.Ended);
        Assert.Equal("failed", state.Status);
        Assert.Contains("duplicate_custom_id", state.Failure);
        var lost = await Assert.ThrowsAsync<BatchApiException>(() => api.PollAsync("batch_nope", default));
        Assert.Equal(404, lost.StatusCode);
    }
}
