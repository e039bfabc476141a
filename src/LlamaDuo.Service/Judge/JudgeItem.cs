using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// One thing to judge: an instruction, the reference answer the user accepted, and a candidate answer from the
/// student. <see cref="Id"/> must be unique within a run (for K samples per test prompt use e.g. "test-17#2");
/// <see cref="PromptId"/> names the test row the candidate answers, so results can be grouped per prompt.
/// <see cref="Context"/> is the conversation before the instruction (system prompt, earlier user and assistant
/// turns) for multi-turn rows; null or empty for a single-turn row.
/// </summary>
public sealed record JudgeItem(string Id, string Instruction, string Reference, string Candidate, string? PromptId = null,
    IReadOnlyList<ChatTurn>? Context = null)
{
    /// <summary>
    /// The item for a conversation whose final assistant turn is the reference: the instruction is the last user turn
    /// before it, and everything before that instruction is the context.
    /// </summary>
    public static JudgeItem FromConversation(string id, IReadOnlyList<ChatTurn> messages, string candidate, string? promptId = null)
    {
        int last = messages.Count - 1;
        while (last >= 0 && messages[last].Role != "assistant") last--;
        int user = last - 1;
        while (user >= 0 && messages[user].Role != "user") user--;
        if (last < 0 || user < 0)
            throw new ArgumentException("the conversation needs a user turn followed by an assistant turn", nameof(messages));
        var context = messages.Take(user).ToList();
        return new JudgeItem(id, messages[user].Content, messages[last].Content, candidate, promptId, context.Count == 0 ? null : context);
    }
}
