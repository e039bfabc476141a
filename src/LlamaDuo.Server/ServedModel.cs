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

    /// <summary>
    /// Most prompt characters (all messages' text, or one raw prompt) that could still fit <see cref="ContextLength"/>;
    /// a longer prompt is refused before it is tokenized. 0 means no such check. Engines derive it from the
    /// vocabulary (<see cref="PromptCharacterBound"/>).
    /// </summary>
    public int MaxPromptChars { get; init; }

    /// <summary>
    /// The character bound for a context of <paramref name="contextLength"/> tokens when no token of the vocabulary
    /// covers more than <paramref name="longestTokenChars"/> characters: beyond context x longest the prompt cannot
    /// fit, whatever it tokenizes to. Times 4: slack for normalizers that compose characters before tokenizing
    /// (NFC folds up to three code points into one); the bound only has to stop work that is certainly wasted, the
    /// exact token count follows.
    /// </summary>
    public static int PromptCharacterBound(int contextLength, int longestTokenChars) =>
        (int)Math.Min(int.MaxValue, 4L * contextLength * Math.Max(1, longestTokenChars));

    /// <summary>Tokens the chat prompt takes once the template is applied (including the generation prompt).</summary>
    public Func<IReadOnlyList<ChatMessage>, int>? CountChatTokens { get; init; }

    /// <summary>Tokens a plain text takes (raw completion prompts, and generated text when the engine gave no usage).</summary>
    public Func<string, int>? CountTextTokens { get; init; }

    /// <summary>Owner shown by /v1/models.</summary>
    public string OwnedBy { get; init; } = "llamaduo";
}
