using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Tests.Templates;

/// <summary>Conversations the templates are rendered on: with and without a system prompt, one and two turns.</summary>
internal static class Conversations
{
    public static readonly ChatTurn[][] All =
    [
        [ChatTurn.User("Hi!"), ChatTurn.Assistant("Hello! How can I help?")],
        [ChatTurn.System("You are terse."), ChatTurn.User("What is 2+2?"), ChatTurn.Assistant("4")],
        [ChatTurn.System("Answer in French."), ChatTurn.User(" Name a colour. \n"), ChatTurn.Assistant("\nBleu. "),
            ChatTurn.User("Another?"), ChatTurn.Assistant("Rouge.")],
        [ChatTurn.User("Write a haiku\nabout code."), ChatTurn.Assistant("Lines of logic flow\nbugs hide in the quiet loops\ntests bring them to light"),
            ChatTurn.User("Thanks")],
        [ChatTurn.System("Be kind."), ChatTurn.User("Hello")],
        [ChatTurn.User("Once upon a time")],
    ];

    /// <summary>The messages as the node renderer wants them.</summary>
    public static object[] ToJson(IEnumerable<ChatTurn> turns) =>
        turns.Select(t => (object)new { role = t.Role, content = t.Content }).ToArray();
}
