using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Batch;

/// <summary>Starts the demo service (with its batch endpoints) and builds batch-mode service clients against it.</summary>
static class BatchHarness
{
    public static Task<RunningDemoService> StartDemo(DemoBatchOptions? batches = null) =>
        DemoService.StartAsync(new DemoServiceOptions(), [new EchoResponder()], default, batches ?? new DemoBatchOptions { StepMs = 50 });

    /// <summary>Options for a fast batch client: polls every 0.1 s, sends after 50 ms of quiet.</summary>
    public static ServiceOptions Options(RunningDemoService demo, ServiceProvider provider = ServiceProvider.Demo) => new()
    {
        Provider = provider,
        Model = DemoServiceOptions.ModelId,
        BaseUrl = provider == ServiceProvider.Anthropic ? $"http://127.0.0.1:{demo.Port}" : demo.BaseUrl,
        Prices = new PriceOverride { InputPerMillion = 2.00, OutputPerMillion = 8.00 },
        Batch = new BatchOptions { Enabled = true, PollS = 0.1, WindowMs = 50 },
    };

    public static ServiceClient Client(ServiceOptions options, IBatchJournal? journal = null, List<string>? progress = null) =>
        ServiceClientFactory.Create(options, new ServiceClientParts
        {
            Environment = _ => "sk-test-not-a-real-key",
            BatchJournal = journal,
            BatchProgress = progress is null ? null : line => { lock (progress) progress.Add(line); },
        });

    /// <summary>n echo calls made at once; each task's outcome (answer text or the exception).</summary>
    public static async Task<List<(ChatResponse? Response, Exception? Error)>> EchoCalls(IChatClient chat, int n, string tag = "call", CancellationToken ct = default)
    {
        var calls = Enumerable.Range(0, n).Select(async i =>
        {
            try { return ((ChatResponse?)await chat.GetResponseAsync([new ChatMessage(ChatRole.User, $"echo: {tag} {i}")], new ChatOptions { MaxOutputTokens = 50 }, ct), (Exception?)null); }
            catch (Exception e) { return (null, e); }
        });
        return [.. await Task.WhenAll(calls)];
    }
}
