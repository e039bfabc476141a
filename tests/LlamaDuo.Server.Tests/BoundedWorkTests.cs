using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// A client cannot tie the server up: size limits are checked before any token is counted, tokens are counted only
/// inside the concurrency bound, a client that leaves costs nothing more, and n is bounded by the slots.
/// </summary>
public sealed class BoundedWorkTests
{
    /// <summary>A model whose counters record how often the server tokenized (one "token" per character).</summary>
    sealed class CountingModel
    {
        int counted;
        public int Counted => Volatile.Read(ref counted);

        public ServedModel Apply(ServedModel model) => model with
        {
            ContextLength = 64,
            MaxPromptChars = ServedModel.PromptCharacterBound(64, 8),
            CountChatTokens = messages => { Interlocked.Increment(ref counted); return messages.Sum(m => m.Text.Length); },
            CountTextTokens = text => { Interlocked.Increment(ref counted); return text.Length; },
        };
    }

    static string Chat(string content, string extra = "") =>
        JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content } } })[..^1] + extra + "}";

    [Fact]
    public async Task A_10_MB_prompt_is_refused_with_413_before_it_is_read_or_tokenized_and_the_server_keeps_serving()
    {
        var fake = new FakeChatClient();
        var counting = new CountingModel();
        await using var harness = await ServerHarness.StartAsync(fake, model: counting.Apply);
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        var official = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(new string('a', 10_000_000))]));
        Assert.Equal(413, official.Status);
        Assert.Contains("request_too_large", official.Message);

        // As curl sends a large body: Expect: 100-continue, so the refusal comes before the 10 MB are sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(Chat(new string('a', 10_000_000)), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var refused = await harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("request_too_large", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, counting.Counted);
        Assert.Equal(0, fake.Calls);
        ChatCompletion ok = await chat.CompleteChatAsync([new UserChatMessage("short")]);
        Assert.Equal("You said: short", ok.Content[0].Text);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_can_hold_is_refused_by_its_length_without_tokenizing()
    {
        var counting = new CountingModel();
        await using var harness = await ServerHarness.StartAsync(new FakeChatClient(), model: counting.Apply);
        var chat = harness.OpenAI().GetChatClient(ServerHarness.ModelId);

        // 600 KB: under the body limit, far over 64 tokens x 8 characters x 4.
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(new string('a', 600_000))]));
        Assert.Equal(400, refused.Status);
        Assert.Contains("context_length_exceeded", refused.Message);
        using var completion = await harness.PostJsonAsync("/v1/completions", JsonSerializer.Serialize(new { prompt = new string('b', 5000) }));
        Assert.Equal(HttpStatusCode.BadRequest, completion.StatusCode);
        Assert.Equal(0, counting.Counted);

        // Within the bound the exact count decides.
        var counted = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(new string('a', 100))]));
        Assert.Contains("context_length_exceeded", counted.Message);
        Assert.Equal(1, counting.Counted);
    }

    [Fact]
    public async Task Too_many_messages_are_a_400_naming_messages()
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { MaxMessages = 8 });
        var messages = Enumerable.Range(0, 9).Select(i => new { role = "user", content = $"m{i}" });

        using var response = await harness.PostJsonAsync("/v1/chat/completions", JsonSerializer.Serialize(new { messages }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("messages", body.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public async Task Prompts_are_tokenized_inside_the_concurrency_bound_and_never_for_a_client_that_left_the_queue()
    {
        var release = new TaskCompletionSource();
        var fake = new FakeChatClient { Hold = release.Task };
        var counting = new CountingModel();
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 1 }, counting.Apply);

        var running = harness.PostJsonAsync("/v1/chat/completions", Chat("first"));
        await WaitUntil(() => fake.Calls == 1);
        using var hangUp = new CancellationTokenSource();
        var waiting = harness.PostJsonAsync("/v1/chat/completions", Chat("second"), hangUp.Token);
        await WaitUntil(() => harness.Server.Queued == 1);
        Assert.Equal(1, counting.Counted); // the queued request has not been tokenized

        hangUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await WaitUntil(() => harness.Server.Queued == 0);
        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        using var next = await harness.PostJsonAsync("/v1/chat/completions", Chat("third"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        Assert.Equal(2, counting.Counted); // first and third: the one that left never was
        Assert.Equal(2, fake.Calls);
    }

    [Theory]
    [InlineData(1, """{"n":2,"messages":[{"role":"user","content":"hi"}]}""", "/v1/chat/completions", "n")]
    [InlineData(1, """{"n":16,"max_tokens":256,"messages":[{"role":"user","content":"hi"}]}""", "/v1/chat/completions", "n")]
    [InlineData(4, """{"n":5,"messages":[{"role":"user","content":"hi"}]}""", "/v1/chat/completions", "n")]
    [InlineData(4, """{"prompt":["a","b","c"],"n":2}""", "/v1/completions", "n")]
    [InlineData(2, """{"prompt":["a","b","c"]}""", "/v1/completions", "prompt")]
    public async Task N_is_bounded_by_the_generation_slots(int parallel, string body, string path, string param)
    {
        var fake = new FakeChatClient();
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = parallel });

        using var response = await harness.PostJsonAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains("--parallel", error.GetProperty("message").GetString());
        Assert.Equal(0, fake.Calls);
    }

    [Fact]
    public async Task A_request_with_n_choices_waits_for_n_free_slots()
    {
        var release = new TaskCompletionSource();
        var fake = new FakeChatClient { Hold = release.Task };
        await using var harness = await ServerHarness.StartAsync(fake, new ServerOptions { Parallel = 3 });

        var single = harness.PostJsonAsync("/v1/chat/completions", Chat("one"));
        await WaitUntil(() => harness.Server.Running == 1);
        var triple = harness.PostJsonAsync("/v1/chat/completions", """{"n":3,"messages":[{"role":"user","content":"three"}]}""");
        await WaitUntil(() => harness.Server.Queued == 3);
        Assert.Equal(1, fake.Calls); // 2 slots are free, the request needs 3

        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await single).StatusCode);
        using var answered = await triple;
        using var json = JsonDocument.Parse(await answered.Content.ReadAsStringAsync());
        Assert.Equal(3, json.RootElement.GetProperty("choices").GetArrayLength());
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
