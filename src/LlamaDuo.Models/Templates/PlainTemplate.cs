using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>
/// No chat format, for base models such as stories15M: the messages' contents are concatenated as they are, so a
/// prompt is the user text and the answer continues it directly. The tokenizer's EOS ends a reply.
/// </summary>
internal sealed class PlainTemplate : IChatTemplate
{
    const string Jinja = "{% for message in messages %}{{ message['content'] }}{% endfor %}";

    /// <summary>The one instance.</summary>
    public static PlainTemplate Instance { get; } = new();

    PlainTemplate()
    {
    }

    /// <inheritdoc />
    public string Name => "plain";

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = [];

    /// <inheritdoc />
    public string? JinjaSource => Jinja;

    /// <inheritdoc />
    public string? OllamaTemplate => "{{- range .Messages }}{{ .Content }}{{ end }}";

    /// <inheritdoc />
    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        SegmentBuilder.CheckRoles(messages, Name, alternate: false);
        var output = new SegmentBuilder();
        foreach (var m in messages)
        {
            if (m.Role == "assistant") output.Assistant(m.Content);
            else output.Text(m.Content);
        }
        return output.Build();
    }
}
