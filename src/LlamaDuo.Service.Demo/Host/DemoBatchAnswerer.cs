using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>Answers one batch line through the same responders as the chat endpoint, and decides which lines fail.</summary>
sealed class DemoBatchAnswerer(IReadOnlyList<IDemoResponder> responders, DemoBatchOptions options)
{
    public DemoBatchOptions Options => options;

    /// <summary>The reply to a conversation: text (cut to max tokens), whether it was cut, and word counts as usage.</summary>
    public (string Text, bool Cut, int PromptTokens, int CompletionTokens) Answer(IReadOnlyList<ChatMessage> messages, int? maxTokens)
    {
        var answer = responders.Select(r => r.TryRespond(messages)).FirstOrDefault(a => a is not null) ?? DemoChatEndpoint.FallbackAnswer;
        var (text, cut) = DemoTokens.Limit(answer, maxTokens);
        return (text, cut, DemoTokens.Count(messages), DemoTokens.Count(text));
    }

    /// <summary>Whether this line gets an injected server error: a fixed share of custom ids, the same on every run.</summary>
    public bool Fails(string customId)
    {
        if (options.FailRate <= 0) return false;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(customId));
        return BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue < options.FailRate;
    }

    /// <summary>Whether line <paramref name="index"/> (0-based) runs out of time.</summary>
    public bool Expires(int index) => options.ExpireAfter is { } n && index >= n;
}
