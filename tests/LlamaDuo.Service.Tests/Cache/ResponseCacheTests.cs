using LlamaDuo.Service.Cache;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Cache;

public sealed class ResponseCacheTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Responses_survive_reopening_with_text_usage_and_finish_reason()
    {
        var path = Path.Combine(_dir, "sub", "cache.db");
        using (var cache = new ResponseCache(path))
        {
            cache.Put("k1", "openai", "gpt-4o", new ChatResponse(new ChatMessage(ChatRole.Assistant, "{\"similarity\": 80}"))
            {
                Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 14 },
                FinishReason = ChatFinishReason.Stop,
                ModelId = "gpt-4o-2024-08-06",
            });
            Assert.Null(cache.TryGet("k2"));
        }
        using var reopened = new ResponseCache(path);
        var hit = reopened.TryGet("k1");
        Assert.NotNull(hit);
        Assert.Equal("{\"similarity\": 80}", hit.Text);
        Assert.Equal((120L, 14L), (hit.Usage!.InputTokenCount, hit.Usage.OutputTokenCount));
        Assert.Equal(ChatFinishReason.Stop, hit.FinishReason);
        Assert.Equal(1, reopened.Count);
    }
}
