using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Http;

/// <summary>
/// A validated request in engine terms: what to send to the <see cref="IChatClient"/>, how many choices, whether to
/// stream. Built by <see cref="RequestMapper"/>; nothing past this point sees JSON.
/// </summary>
internal sealed record GenerationPlan(
    IChatClient Client,
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions Options,
    int Choices,
    bool Stream,
    bool IncludeUsage,
    int PromptTokens)
{
    /// <summary>Options for choice <paramref name="index"/>: a fixed seed is offset so n choices differ yet repeat.</summary>
    public ChatOptions OptionsFor(int index)
    {
        if (index == 0 || Options.Seed is null) return Options;
        var copy = Options.Clone();
        copy.Seed = Options.Seed + index;
        return copy;
    }
}
