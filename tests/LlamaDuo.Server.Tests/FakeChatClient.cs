using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// A delegate-driven IChatClient: the reply's tokens come from <see cref="Reply"/>, one per update, after an optional
/// delay; it honours MaxOutputTokens, reports usage, records the options it was given and counts how many
/// generations run at once.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    int running;
    int peak;

    /// <summary>Produces the reply's tokens from the conversation and options.</summary>
    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, IEnumerable<string>> Reply { get; init; } =
        (messages, _) => ("You said: " + messages[^1].Text).Split(' ').Select((w, i) => i == 0 ? w : " " + w);

    /// <summary>Time spent on each token (to hold generations open).</summary>
    public TimeSpan TokenDelay { get; init; }

    /// <summary>When set, a generation waits for this before its first token.</summary>
    public Task? Hold { get; set; }

    public ChatOptions? LastOptions { get; private set; }
    public IReadOnlyList<ChatMessage>? LastMessages { get; private set; }
    public int Calls;
    public int Peak => Volatile.Read(ref peak);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, ct))
        {
            text.Append(update.Text);
            finish = update.FinishReason ?? finish;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString())) { FinishReason = finish, Usage = usage };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var list = messages.ToList();
        LastMessages = list;
        LastOptions = options;
        Interlocked.Increment(ref Calls);
        var now = Interlocked.Increment(ref running);
        InterlockedMax(ref peak, now);
        try
        {
            if (Hold is not null) await Hold.WaitAsync(ct);
            var tokens = Reply(list, options).ToList();
            var max = options?.MaxOutputTokens ?? int.MaxValue;
            var emitted = 0;
            foreach (var token in tokens.Take(max))
            {
                if (TokenDelay > TimeSpan.Zero) await Task.Delay(TokenDelay, ct);
                emitted++;
                yield return new ChatResponseUpdate(ChatRole.Assistant, token);
            }
            var promptTokens = list.Sum(m => m.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            yield return new ChatResponseUpdate
            {
                Role = ChatRole.Assistant,
                FinishReason = tokens.Count > max ? ChatFinishReason.Length : ChatFinishReason.Stop,
                Contents = [new UsageContent(new UsageDetails { InputTokenCount = promptTokens, OutputTokenCount = emitted })],
            };
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
