using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>The demo service's token count: whitespace-separated words. Deterministic, so usage and ledger agree.</summary>
internal static class DemoTokens
{
    /// <summary>Words in a text.</summary>
    public static int Count(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Words over every message.</summary>
    public static int Count(IEnumerable<ChatMessage> messages) => messages.Sum(m => Count(m.Text));

    /// <summary>The first <paramref name="max"/> words of a text (joined by single spaces) when it is longer.</summary>
    public static (string Text, bool Cut) Limit(string text, int? max)
    {
        if (max is not { } limit) return (text, false);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length <= limit ? (text, false) : (string.Join(' ', words.Take(limit)), true);
    }
}
