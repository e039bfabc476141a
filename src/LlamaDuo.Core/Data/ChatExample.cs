namespace LlamaDuo.Core.Data;

/// <summary>
/// One training or evaluation example: a conversation whose last assistant turn is the target. <see cref="Id"/> is
/// stable across runs (it is how provenance, dedup and resume refer to the row).
/// </summary>
public sealed record ChatExample(string Id, IReadOnlyList<ChatTurn> Messages)
{
    /// <summary>The instruction: the last user turn.</summary>
    public string Prompt => Messages.Last(m => m.Role == "user").Content;

    /// <summary>The reference answer: the last assistant turn, or null when the example has none.</summary>
    public string? Response => Messages.LastOrDefault(m => m.Role == "assistant")?.Content;

    /// <summary>Builds a single-turn example, with an optional system prompt.</summary>
    public static ChatExample FromPair(string id, string prompt, string response, string? system = null)
    {
        var turns = new List<ChatTurn>();
        if (!string.IsNullOrEmpty(system)) turns.Add(ChatTurn.System(system));
        turns.Add(ChatTurn.User(prompt));
        turns.Add(ChatTurn.Assistant(response));
        return new ChatExample(id, turns);
    }
}
