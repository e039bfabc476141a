using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Cache;

public class CacheKeyTests
{
    static string Key(ChatOptions? options = null, string text = "Rate this.", string model = "gpt-4o") =>
        CacheKey.Compute("openai", "https://api.openai.com/v1", model, [new ChatMessage(ChatRole.User, text)], options);

    [Fact]
    public void Same_call_same_key_and_every_answer_changing_input_changes_it()
    {
        Assert.Equal(Key(new ChatOptions { Temperature = 0.7f }), Key(new ChatOptions { Temperature = 0.7f }));
        var variants = new[]
        {
            Key(), Key(text: "Rate that."), Key(model: "gpt-4o-mini"),
            Key(new ChatOptions { Temperature = 0.7f }), Key(new ChatOptions { Temperature = 0.2f }),
            Key(new ChatOptions { MaxOutputTokens = 100 }), Key(new ChatOptions { Seed = 1 }), Key(new ChatOptions { Seed = 2 }),
            Key(new ChatOptions { ResponseFormat = ChatResponseFormat.Json }),
            Key(new ChatOptions().WithCacheVariant("round-1")), Key(new ChatOptions().WithCacheVariant("round-2")),
            CacheKey.Compute("anthropic", "https://api.anthropic.com", "gpt-4o", [new ChatMessage(ChatRole.User, "Rate this.")], null),
            CacheKey.Compute("openai", "https://api.openai.com/v1", "gpt-4o", [new ChatMessage(ChatRole.System, "Rate this.")], null),
        };
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void Stage_label_does_not_change_the_key()
    {
        Assert.Equal(Key(new ChatOptions { Seed = 3 }.WithStage("judge")), Key(new ChatOptions { Seed = 3 }.WithStage("synth")));
    }

    [Fact]
    public void Demo_service_port_does_not_split_the_cache_but_real_endpoints_do()
    {
        var messages = new[] { new ChatMessage(ChatRole.User, "hi") };
        Assert.Equal(CacheKey.Compute("demo", "http://127.0.0.1:40001/v1", "m", messages, null),
            CacheKey.Compute("demo", "http://127.0.0.1:40002/v1", "m", messages, null));
        Assert.NotEqual(CacheKey.Compute("openai-compatible", "http://127.0.0.1:40001/v1", "m", messages, null),
            CacheKey.Compute("openai-compatible", "http://127.0.0.1:40002/v1", "m", messages, null));
    }
}
