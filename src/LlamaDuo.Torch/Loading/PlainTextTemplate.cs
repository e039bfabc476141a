using LlamaDuo.Core.Data;
using LlamaDuo.Torch.Templates;

namespace LlamaDuo.Torch.Loading;

/// <summary>
/// Template for base models with no chat format (stories15M): the prompt is the message text as is and the reply
/// continues it. Turns are joined with newlines. Stand-in until the Templates area provides its own.
/// </summary>
internal sealed class PlainTextTemplate : IChatTemplate
{
    public string Name => "plain";

    public IReadOnlyList<string> StopStrings => [];

    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        var segments = new List<TemplateSegment>();
        for (var i = 0; i < messages.Count; i++)
        {
            var separator = i == 0 ? "" : "\n";
            segments.Add(new TemplateSegment(separator + messages[i].Content, messages[i].Role == "assistant"));
        }
        return segments;
    }
}
