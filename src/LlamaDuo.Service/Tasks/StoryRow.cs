using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Tasks;

/// <summary>
/// One quickstart example: a story, a question about one child and its one-word answer. The student sees
/// <see cref="Prompt"/> (story, "\nQ: question\nA:") and learns <see cref="Response"/> (a space, then the word).
/// </summary>
public sealed record StoryRow(string Story, string Question, string Answer)
{
    public string Prompt => $"{Story}\nQ: {Question}\nA:";
    public string Response => " " + Answer;

    public ChatExample ToExample(string id) => ChatExample.FromPair(id, Prompt, Response);
}
