using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>
/// Gemma: <c>&lt;bos&gt;</c>, then <c>&lt;start_of_turn&gt;user\n...&lt;end_of_turn&gt;\n</c> turns with the assistant
/// called "model", trimmed contents, and the system prompt joined to the first user turn by a blank line (Gemma 3).
/// </summary>
internal sealed class GemmaTemplate : IChatTemplate
{
    const string Jinja =
        """{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set first_user_prefix = messages[0]['content'] + '\n\n' %}{% set loop_messages = messages[1:] %}{% else %}{% set first_user_prefix = '' %}{% set loop_messages = messages %}{% endif %}{% for message in loop_messages %}{% if message['role'] == 'assistant' %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '') + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}""";

    const string Ollama = """
        {{- range .Messages }}<start_of_turn>{{ if eq .Role "assistant" }}model{{ else }}{{ .Role }}{{ end }}
        {{ .Content }}<end_of_turn>
        {{ end }}<start_of_turn>model

        """;

    /// <summary>Creates the template; <paramref name="jinjaSource"/> keeps a model folder's own chat_template text.</summary>
    public GemmaTemplate(string? jinjaSource = null) => JinjaSource = jinjaSource ?? Jinja;

    /// <inheritdoc />
    public string Name => "gemma";

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["<end_of_turn>", "<eos>"];

    /// <inheritdoc />
    public string? JinjaSource { get; }

    /// <inheritdoc />
    public bool RendersBos => true;

    /// <inheritdoc />
    public string? OllamaTemplate => Ollama;

    /// <inheritdoc />
    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        SegmentBuilder.CheckRoles(messages, Name, alternate: true);
        bool hasSystem = messages.Count > 0 && messages[0].Role == "system";
        var prefix = hasSystem ? messages[0].Content + "\n\n" : "";
        var output = new SegmentBuilder().Text("<bos>");
        bool first = true;
        foreach (var m in messages.Skip(hasSystem ? 1 : 0))
        {
            // Jinja's filter binds tighter than '+': only the message content is trimmed, not the system prefix.
            var content = (first ? prefix : "") + SegmentBuilder.Trim(m.Content);
            if (m.Role == "assistant") output.Text("<start_of_turn>model\n").Assistant(content + "<end_of_turn>").Text("\n");
            else output.Text($"<start_of_turn>{m.Role}\n{content}<end_of_turn>\n");
            first = false;
        }
        if (addGenerationPrompt) output.Text("<start_of_turn>model\n");
        return output.Build();
    }
}
