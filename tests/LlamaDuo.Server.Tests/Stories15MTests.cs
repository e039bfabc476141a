using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>Real stories15M through the server and the official OpenAI client, on each engine.</summary>
public abstract class Stories15MTests(Stories15MServer stories)
{
    static readonly ChatCompletionOptions Greedy = new() { Temperature = 0, MaxOutputTokenCount = 20 };

    ChatClient Chat => stories.Harness.OpenAI().GetChatClient(ServerHarness.ModelId);

    [Fact]
    public async Task Greedy_chat_gives_the_known_continuation_plain_and_streamed()
    {
        ChatCompletion plain = await Chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], Greedy);
        var streamed = "";
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")], Greedy))
            streamed += string.Concat(update.ContentUpdate.Select(p => p.Text));

        Assert.StartsWith(", there was a little girl named Lily. She loved to play outside", plain.Content[0].Text);
        Assert.StartsWith(plain.Content[0].Text, Stories15MServer.Golden);
        Assert.Equal(plain.Content[0].Text, streamed);
        Assert.Equal(20, plain.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, plain.FinishReason);
        Assert.True(plain.Usage.InputTokenCount is > 1 and < 10);
    }

    [Fact]
    public async Task Raw_completion_continues_the_prompt()
    {
        using var response = await stories.Harness.PostJsonAsync("/v1/completions",
            """{"model":"fake-model","prompt":"Once upon a time","max_tokens":20,"temperature":0}""");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(json.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!, Stories15MServer.Golden);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_256_token_context_is_400()
    {
        var longPrompt = string.Join(" ", Enumerable.Repeat("the little dog ran", 100));

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage(longPrompt)], Greedy));

        Assert.Equal(400, refused.Status);
        Assert.Contains("context_length_exceeded", refused.Message);
    }

    [Fact]
    public async Task A_10_MB_prompt_is_413_a_100_KB_one_is_refused_by_length_and_a_prompt_that_fits_is_never_refused_by_length()
    {
        // The bound comes from the vocabulary: 256 tokens x the longest token x 4.
        Assert.InRange(stories.Model.MaxPromptChars, 256 * 4 * 4, 256 * 4 * 64);

        var huge = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage(new string('a', 10_000_000))], Greedy));
        Assert.Equal(413, huge.Status);
        var longer = await Assert.ThrowsAsync<ClientResultException>(() =>
            Chat.CompleteChatAsync([new UserChatMessage(string.Join(" ", Enumerable.Repeat("the little dog ran", 25_000)))], Greedy));
        Assert.Equal(400, longer.Status);
        Assert.Contains("characters", longer.Message);

        // About 240 tokens: under the context, so only the exact count may decide, and it lets the prompt through.
        var fits = string.Join(" ", Enumerable.Repeat("the little dog ran", 60));
        ChatCompletion answered = await Chat.CompleteChatAsync([new UserChatMessage(fits)], new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 4 });
        Assert.True(answered.Usage.InputTokenCount is > 200 and < 256, $"{answered.Usage.InputTokenCount} prompt tokens");
    }

    [Fact]
    public async Task Sixteen_concurrent_clients_all_get_the_greedy_text()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            (await Chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], Greedy)).Value.Content[0].Text));

        Assert.All(replies, r => Assert.StartsWith(r, Stories15MServer.Golden));
        Assert.Single(replies.Distinct());
    }
}

/// <summary>The real-model tests on llama.cpp.</summary>
public sealed class LlamaCppStories15MTests(LlamaCppStories15M stories) : Stories15MTests(stories), IClassFixture<LlamaCppStories15M>;

/// <summary>The real-model tests on TorchSharp.</summary>
public sealed class TorchStories15MTests(TorchStories15M stories) : Stories15MTests(stories), IClassFixture<TorchStories15M>;
