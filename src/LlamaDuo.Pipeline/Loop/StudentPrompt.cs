using LlamaDuo.Core.Data;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>What the student is asked for a test row, on every engine: the conversation up to the reference answer.</summary>
internal static class StudentPrompt
{
    /// <summary>The turns before the trailing assistant reply (the reference).</summary>
    public static List<ChatTurn> Turns(ChatExample example)
    {
        int last = example.Messages.Count - 1;
        while (last >= 0 && example.Messages[last].Role == "assistant") last--;
        return example.Messages.Take(last + 1).ToList();
    }

    /// <summary>The same turns as <see cref="IChatClient"/> messages.</summary>
    public static List<ChatMessage> Messages(ChatExample example) =>
        Turns(example).Select(t => new ChatMessage(new ChatRole(t.Role), t.Content)).ToList();
}
