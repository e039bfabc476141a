using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Http;

/// <summary>
/// A validated request in engine terms: what to send to the <see cref="IChatClient"/>, how many choices, whether to
/// stream. Built by <see cref="RequestMapper"/>; nothing past this point sees JSON. <see cref="PromptTokens"/> is
/// filled once the request holds its slots (<see cref="RequestMapper.CountTokens"/>), never before. PromptParam is
/// the request field the prompt came from ("messages" or "prompt"), for errors.
/// </summary>
internal sealed record GenerationPlan(
    IChatClient Client,
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions Options,
    int Choices,
    bool Stream,
    bool IncludeUsage,
    string PromptParam)
{
    /// <summary>Prompt tokens after the template; 0 until counted (or when the model has no counter).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Options for choice <paramref name="index"/>: a fixed seed is offset so n choices differ yet repeat.</summary>
    public ChatOptions OptionsFor(int index)
    {
        if (index == 0 || Options.Seed is null) return Options;
        var copy = Options.Clone();
        copy.Seed = Options.Seed + index;
        return copy;
    }
}
