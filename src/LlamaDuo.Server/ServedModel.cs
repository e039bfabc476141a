using Microsoft.Extensions.AI;

namespace LlamaDuo.Server;

/// <summary>
/// The one model a server instance serves: its public name and the <see cref="IChatClient"/> that generates for it.
/// The token counters are optional; with them the server rejects prompts longer than <see cref="ContextLength"/>
/// before generating, and fills usage counts the engine did not report.
/// </summary>
/// <param name="Id">Name clients put in <c>model</c> (and /v1/models lists).</param>
/// <param name="Chat">Generates assistant replies for chat messages (the engine applies the chat template).</param>
public sealed record ServedModel(string Id, IChatClient Chat)
{
    /// <summary>
    /// Generates a raw continuation of a prompt (/v1/completions): the prompt arrives as one user message whose
    /// text must be continued as is, with no chat template. When null, <see cref="Chat"/> is used.
    /// </summary>
    public IChatClient? Completion { get; init; }

    /// <summary>The model's context window in tokens; 0 means unknown (no length check).</summary>
    public int ContextLength { get; init; }

    /// <summary>Tokens the chat prompt takes once the template is applied (including the generation prompt).</summary>
    public Func<IReadOnlyList<ChatMessage>, int>? CountChatTokens { get; init; }

    /// <summary>Tokens a plain text takes (raw completion prompts, and generated text when the engine gave no usage).</summary>
    public Func<string, int>? CountTextTokens { get; init; }

    /// <summary>Owner shown by /v1/models.</summary>
    public string OwnedBy { get; init; } = "llamaduo";
}
