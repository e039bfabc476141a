#pragma warning disable OPENAI001 // the OpenAI SDK's batch client is marked experimental
using System.ClientModel;
using System.Text.Json;
using Anthropic;
using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Files;

namespace LlamaDuo.Service.Tests.Batch;

/// <summary>
/// The demo service's batch endpoints read by the providers' official .NET SDKs (OpenAI 2.15, Anthropic 13.14): their
/// typed models and pollers accept what it answers, so it speaks the documented formats, not just our own client's.
/// </summary>
public class OfficialSdkBatchTests
{
    [Fact]
    public async Task OpenAI_sdk_uploads_creates_waits_and_downloads_through_the_demo_endpoints()
    {
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 20, FailRate = 0.3 });
        var client = new OpenAIClient(new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(demo.BaseUrl) });
        var lines = Enumerable.Range(0, 8).Select(i => OpenAiBatchJson.RequestLine(
            new BatchRequest($"req-{i}", [new ChatMessage(ChatRole.User, $"echo: sdk {i}")], null), DemoServiceOptions.ModelId));

        OpenAIFile file = await client.GetOpenAIFileClient().UploadFileAsync(BinaryData.FromString(string.Join("\n", lines) + "\n"), "input.jsonl", FileUploadPurpose.Batch);
        Assert.StartsWith("file-", file.Id);
        Assert.True(file.SizeInBytes > 0);

        var create = BinaryContent.Create(BinaryData.FromString(JsonSerializer.Serialize(new
        {
            input_file_id = file.Id, endpoint = "/v1/chat/completions", completion_window = "24h",
        })));
        var operation = await client.GetBatchClient().CreateBatchAsync(create, waitUntilCompleted: true);
        using var batch = JsonDocument.Parse((await operation.GetBatchAsync(null)).GetRawResponse().Content);
        var root = batch.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        var counts = root.GetProperty("request_counts");
        Assert.Equal(8, counts.GetProperty("total").GetInt32());

        var output = (await client.GetOpenAIFileClient().DownloadFileAsync(root.GetProperty("output_file_id").GetString()!)).Value.ToString();
        var answered = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => OpenAiBatchJson.ParseResultLine(JsonDocument.Parse(l).RootElement, "b")!).ToList();
        Assert.Equal(counts.GetProperty("completed").GetInt32(), answered.Count);
        Assert.All(answered, r => Assert.Equal("ECHO sdk " + r.CustomId["req-".Length..], r.Response!.Text));
        if (counts.GetProperty("failed").GetInt32() > 0)
        {
            var errors = (await client.GetOpenAIFileClient().DownloadFileAsync(root.GetProperty("error_file_id").GetString()!)).Value.ToString();
            Assert.Equal(counts.GetProperty("failed").GetInt32(), errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }

    [Fact]
    public async Task Anthropic_sdk_reads_the_demo_message_batch_and_its_results()
    {
        await using var demo = await BatchHarness.StartDemo(new DemoBatchOptions { StepMs = 20, FailRate = 0.3 });
        var root = $"http://127.0.0.1:{demo.Port}";
        using var http = new HttpClient(new AnthropicApiKeyHandler("sk-ant-test", new SocketsHttpHandler()));
        var ours = new AnthropicBatchApi(http, root, "sk-ant-test");
        var requests = Enumerable.Range(0, 8).Select(i => new BatchRequest($"req-{i}", [new ChatMessage(ChatRole.User, $"echo: sdk {i}")], null)).ToList();
        var id = await ours.SubmitAsync(requests, "claude-3-5-haiku-latest", "judge", default);

        var sdk = new AnthropicClient { ApiKey = null, BaseUrl = root, HttpClient = http, MaxRetries = 0 };
        var batch = await sdk.Messages.Batches.Retrieve(id);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); batch.EndedAt is null && DateTime.UtcNow < deadline; batch = await sdk.Messages.Batches.Retrieve(id))
            await Task.Delay(20);
        batch.Validate();
        Assert.NotNull(batch.ResultsUrl);
        Assert.Equal(8, batch.RequestCounts.Succeeded + batch.RequestCounts.Errored);

        int succeeded = 0, errored = 0;
        await foreach (var line in sdk.Messages.Batches.ResultsStreaming(id))
        {
            line.Validate();
            if (line.Result.TryPickSucceeded(out var ok))
            {
                succeeded++;
                Assert.Equal("ECHO sdk " + line.CustomID["req-".Length..], string.Concat(ok.Message.Content.Select(b => b.TryPickText(out var t) ? t.Text : "")));
            }
            else if (line.Result.TryPickErrored(out _)) errored++;
        }
        Assert.Equal((batch.RequestCounts.Succeeded, batch.RequestCounts.Errored), (succeeded, errored));
    }
}
