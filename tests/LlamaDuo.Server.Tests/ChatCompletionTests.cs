using System.Text.Json;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>POST /v1/chat/completions through the official OpenAI client, plain and streamed.</summary>
public sealed class ChatCompletionTests
{
    [Fact]
    public async Task Plain_completion_returns_the_reply_finish_reason_and_usage()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake);
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        ChatCompletion completion = await chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("hello there")]);

        Assert.Equal("You said: hello there", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ServerHarness.ModelId, completion.Model);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        Assert.Equal(4, completion.Usage.InputTokenCount);
        Assert.Equal(8, completion.Usage.TotalTokenCount);
        Assert.Equal(Microsoft.Extensions.AI.ChatRole.System, fake.LastMessages![0].Role);
    }

    [Fact]
    public async Task Streamed_completion_arrives_in_chunks_that_add_up_to_the_reply_with_usage_last()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        var text = new System.Text.StringBuilder();
        var contentChunks = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("one two three")],
                           new ChatCompletionOptions { MaxOutputTokenCount = 3 }))
        {
            foreach (var part in update.ContentUpdate.Where(p => p.Text.Length > 0)) { text.Append(part.Text); contentChunks++; }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("You said: one", text.ToString());
        Assert.Equal(3, contentChunks);
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(3, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Sampling_options_reach_the_chat_client()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake);
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        var options = new ChatCompletionOptions { MaxOutputTokenCount = 7, Temperature = 0.25f, TopP = 0.5f, Seed = 42 };
        options.StopSequences.Add("END");
        options.StopSequences.Add("\n\n");
        await chat.CompleteChatAsync([new UserChatMessage("hi")], options);

        var seen = fake.LastOptions!;
        Assert.Equal(7, seen.MaxOutputTokens);
        Assert.Equal(0.25f, seen.Temperature);
        Assert.Equal(0.5f, seen.TopP);
        Assert.Equal(42, seen.Seed);
        Assert.Equal(["END", "\n\n"], seen.StopSequences!);
    }

    [Fact]
    public async Task Raw_sse_stream_has_openai_chunk_objects_and_ends_with_done()
    {
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient());
        using var response = await harness.PostJsonAsync("/v1/chat/completions",
            """{"model":"fake-model","stream":true,"stop":"x","max_completion_tokens":2,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":[{"type":"text","text":"a b"}]}]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(2, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task N_choices_are_generated_at_once_with_distinct_seeds_and_counted_together()
    {
        var fake = new FakeChatClient { Reply = (_, o) => [$"seed{o?.Seed}"], TokenDelay = TimeSpan.FromMilliseconds(50) };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 4 });
        using var response = await harness.PostJsonAsync("/v1/chat/completions",
            """{"model":"fake-model","n":3,"seed":10,"messages":[{"role":"user","content":"hi"}]}""");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var choices = json.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(["seed10", "seed11", "seed12"], choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal(3, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(3, fake.Peak); // one slot per choice, all running together
    }
}
