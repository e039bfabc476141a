using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Tests.Judge;

public class LlmJudgeTests
{
    static readonly JudgeItem Item = new("t1", "Name a colour.", "red", "blue");

    [Fact]
    public async Task Runs_every_round_as_a_separate_call_with_its_own_seed_and_the_stage_label()
    {
        var client = new ScriptedChatClient((_, o) => $"{{\"similarity\": {o!.Seed % 1000 + 10}, \"precision\": 50}}");
        var judge = new LlmJudge(client, new LlmJudgeOptions { Rounds = 4, Seed = 0 });
        var row = await judge.JudgeAsync(Item);

        Assert.Equal(4, client.Calls.Count);
        Assert.Equal(4, client.Calls.Select(c => c.Options!.Seed).Distinct().Count());
        Assert.All(client.Calls, c => Assert.Equal("judge", c.Options!.AdditionalProperties![LlmJudge.StageProperty]));
        Assert.True(row.Scored);
        Assert.Equal(10, row.Similarity!.Value, 9);  // seeds 0, 1000, 2000, 3000 -> 10 each
        Assert.Equal(50, row.Precision!.Value, 9);
        Assert.Contains("red", client.Calls[0].Messages[1].Text);
        Assert.Contains("blue", client.Calls[0].Messages[1].Text);
    }

    [Fact]
    public async Task Same_options_give_same_calls_so_a_rerun_can_hit_the_cache()
    {
        var a = new ScriptedChatClient((_, _) => "{\"similarity\": 1, \"precision\": 1}");
        var b = new ScriptedChatClient((_, _) => "{\"similarity\": 1, \"precision\": 1}");
        await new LlmJudge(a, new LlmJudgeOptions { Rounds = 3 }).JudgeAsync(Item);
        await new LlmJudge(b, new LlmJudgeOptions { Rounds = 3 }).JudgeAsync(Item);
        Assert.Equal(a.Calls.Select(c => c.Options!.Seed).Order(), b.Calls.Select(c => c.Options!.Seed).Order());
    }

    [Fact]
    public async Task Never_parseable_reply_becomes_diagnostics_not_an_exception()
    {
        var client = new ScriptedChatClient((_, _) => "As an AI I would rather not grade this.");
        var judge = new LlmJudge(client, new LlmJudgeOptions { Rounds = 3, MaxParseRetries = 2 });
        var result = await JudgeRunner.RunAsync(judge, [Item, Item with { Id = "t2" }]);

        Assert.Equal(2 * 3 * 3, client.Calls.Count);  // rows x rounds x (1 + retries)
        Assert.Equal(18, result.Calls);
        Assert.Equal(2, result.UnscoredRows);
        Assert.All(result.Rows, r =>
        {
            Assert.False(r.Scored);
            Assert.All(r.Calls, c => Assert.Equal(3, c.Attempts));
            Assert.Contains(r.Diagnostics, d => d.Message.Contains("unparseable"));
        });
        Assert.False(result.Decision.Passed);
    }

    [Fact]
    public async Task Retries_an_unparseable_reply_with_a_new_seed_and_stops_at_the_first_good_one()
    {
        int n = 0;
        var client = new ScriptedChatClient((_, _) => Interlocked.Increment(ref n) <= 2 ? "garbage" : "{\"similarity\": 80, \"precision\": 70}");
        var row = await new LlmJudge(client, new LlmJudgeOptions { Rounds = 1, MaxParseRetries = 5 }).JudgeAsync(Item);
        Assert.Equal(3, client.Calls.Count);
        Assert.Equal(3, row.Calls.Single().Attempts);
        Assert.Equal(3, client.Calls.Select(c => c.Options!.Seed).Distinct().Count());
        Assert.Equal(80, row.Similarity);
        // The two bad replies are kept as data on the row, though the round scored.
        Assert.Equal(2, row.Diagnostics.Count);
        Assert.All(row.Diagnostics, d => Assert.Contains("re-asked", d.Message));
        Assert.Equal(2, row.Calls.Single().Diagnostics.Count);
    }

    [Fact]
    public async Task A_failed_call_is_not_retried_by_the_judge_the_middleware_owns_retries()
    {
        var client = new ScriptedChatClient((_, _) => throw new HttpRequestException("503 after the middleware's retries"));
        var row = await new LlmJudge(client, new LlmJudgeOptions { Rounds = 2, MaxParseRetries = 2 }).JudgeAsync(Item);
        Assert.Equal(2, client.Calls.Count);  // one call per round: no second retry layer
        Assert.False(row.Scored);
        Assert.All(row.Calls, c => Assert.Equal(1, c.Attempts));
        Assert.All(row.Calls, c => Assert.Contains("HttpRequestException", c.Error));
    }

    [Fact]
    public async Task Row_score_is_the_mean_of_successful_rounds_only()
    {
        var client = new ScriptedChatClient((_, o) => (o!.Seed / 1000) switch
        {
            0 => "{\"similarity\": 90, \"precision\": 80}",
            1 => "{\"similarity\": 70, \"precision\": 60}",
            _ => "no scores here",
        });
        var row = await new LlmJudge(client, new LlmJudgeOptions { Rounds = 3, MaxParseRetries = 0, Seed = 0 }).JudgeAsync(Item);
        Assert.Equal(80, row.Similarity!.Value, 9);
        Assert.Equal(70, row.Precision!.Value, 9);
        Assert.Single(row.Diagnostics);
        Assert.Equal(2, row.Diagnostics[0].Round);
    }

    [Fact]
    public async Task Client_exceptions_are_recorded_and_the_client_middleware_bounds_concurrency()
    {
        int inFlight = 0, peak = 0;
        var scripted = new ScriptedChatClient((_, _) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            lock (typeof(LlmJudgeTests)) peak = Math.Max(peak, now);
            Thread.Sleep(5);
            Interlocked.Decrement(ref inFlight);
            throw new HttpRequestException("503 after retries");
        });
        // The one concurrency bound is the service client's (limits.concurrency); the judge and the runner add none.
        using var client = new ResilientChatClient(scripted, new ResilienceOptions(0, TimeSpan.FromSeconds(30), 0, 0, 2, new RetryBackoff()));
        var judge = new LlmJudge(client, new LlmJudgeOptions { Rounds = 4, MaxParseRetries = 0 });
        var items = Enumerable.Range(0, 6).Select(i => Item with { Id = $"r{i}" }).ToList();
        var result = await JudgeRunner.RunAsync(judge, items);
        Assert.Equal(6, result.UnscoredRows);
        Assert.Equal(24, scripted.Calls.Count);
        Assert.Contains("HttpRequestException", result.Rows[0].Diagnostics[0].Message);
        Assert.True(peak <= 2, $"peak {peak}");
    }

    [Fact]
    public async Task Every_round_of_every_row_is_asked_at_once_so_a_batch_client_sees_the_whole_round()
    {
        // A client that answers nothing until all 6 rows x 4 rounds are pending, as a provider batch collects them.
        const int expected = 24;
        var pending = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new GateChatClient(async () =>
        {
            if (Interlocked.Increment(ref pending) == expected) all.TrySetResult();
            await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return "{\"similarity\": 90, \"precision\": 80}";
        });
        var judge = new LlmJudge(gate, new LlmJudgeOptions { Rounds = 4, MaxParseRetries = 0 });
        var items = Enumerable.Range(0, 6).Select(i => Item with { Id = $"r{i}" }).ToList();
        var result = await JudgeRunner.RunAsync(judge, items);
        Assert.Equal(expected, pending);
        Assert.Equal(0, result.UnscoredRows);
    }

    sealed class GateChatClient(Func<Task<string>> reply) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            new(new ChatMessage(ChatRole.Assistant, await reply()));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}
