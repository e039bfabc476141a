using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Middleware;
using LlamaDuo.Service.Providers;
using LlamaDuo.Service.Tests.Demo;
using LlamaDuo.Service.Tests.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Providers;

/// <summary>A fake key goes into an environment variable; after real calls (answers, faults, a 401) it is nowhere on disk or in the logs.</summary>
public sealed class ApiKeyLeakTests : IDisposable
{
    const string Variable = "LLAMADUO_TEST_LEAK_KEY";
    const string FakeKey = "sk-leakcheck-7f3a9c21e5b84d06";
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-leak-").FullName;

    public ApiKeyLeakTests() => Environment.SetEnvironmentVariable(Variable, FakeKey);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("openai-compatible")]
    [InlineData("anthropic")]
    public async Task The_key_never_reaches_cache_ledger_or_logs(string provider)
    {
        var log = new ListLogger();
        // A stub that echoes the Authorization header back in a 401 error body, as a careless server might.
        using var stub = new StubServer((i, request) => i % 3 == 2
            ? new StubReply(401, $$$"""{"error":{"message":"bad key {{{string.Join(" ", request.Headers.Values)}}}","type":"authentication_error"}}""")
            : provider == "anthropic"
                ? new StubReply(200, """{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-latest","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}""")
                : OpenAiReplies.Ok("ok"));
        var options = new ServiceOptions
        {
            Provider = provider == "anthropic" ? ServiceProvider.Anthropic : ServiceProvider.OpenAICompatible,
            Model = provider == "anthropic" ? "claude-3-5-haiku-latest" : "gpt-4o-mini",
            BaseUrl = provider == "anthropic" ? stub.BaseUrl : stub.BaseUrl + "/v1",
            ApiKeyEnv = Variable,
            Retries = 1,
        };
        using (var client = ServiceClientFactory.Create(options, new ServiceClientParts
        {
            LoggerFactory = log.Factory(),
            Backoff = new RetryBackoff { BaseDelay = TimeSpan.FromMilliseconds(10) },
            CachePath = Path.Combine(_dir, "cache.db"),
            LedgerPath = Path.Combine(_dir, "ledger.jsonl"),
        }))
        {
            for (var i = 0; i < 6; i++)
            {
                try { await client.Chat.GetResponseAsync($"question {i}", new ChatOptions().WithStage("judge")); }
                catch (ServiceCallException) { }
            }
            Assert.Contains(client.Ledger.Entries, e => !e.Ok);
            Assert.Contains(client.Ledger.Entries, e => e.Ok);
        }

        Assert.Contains(stub.Requests, r => r.Headers.Values.Any(v => v.Contains(FakeKey))); // it was sent...
        foreach (var file in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(Contains(bytes, FakeKey), $"the key was written to {Path.GetFileName(file)}");
        }
        Assert.NotEmpty(log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains(FakeKey));
    }

    static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(needle)) >= 0;
}
