using LlamaDuo.Core.Data;

namespace LlamaDuo.Torch.Templates;

/// <summary>
/// Llama 3 instruct: <c>&lt;|begin_of_text|&gt;</c>, then per message
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c> + trimmed content + <c>&lt;|eot_id|&gt;</c>.
/// </summary>
public sealed class Llama3Template : IChatTemplate
{
    const string Bos = "<|begin_of_text|>";
    const string Header = "<|start_header_id|>{0}<|end_header_id|>\n\n";

    const string Jinja =
        """{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}""";

    const string Ollama = """
        {{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>

        {{ .Content }}<|eot_id|>
        {{- end }}<|start_header_id|>assistant<|end_header_id|>


        """;

    /// <summary>Creates the template; <paramref name="jinjaSource"/> keeps a model folder's own chat_template text.</summary>
    public Llama3Template(string? jinjaSource = null) => JinjaSource = jinjaSource ?? Jinja;

    /// <inheritdoc />
    public string Name => "llama3";

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["<|eot_id|>", "<|end_of_text|>"];

    /// <inheritdoc />
    public string? JinjaSource { get; }

    /// <inheritdoc />
    public bool RendersBos => true;

    /// <inheritdoc />
    public string? OllamaTemplate => Ollama;

    /// <inheritdoc />
    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        SegmentBuilder.CheckRoles(messages, Name, alternate: false);
        var output = new SegmentBuilder().Text(Bos);
        foreach (var m in messages)
        {
            output.Text(string.Format(Header, m.Role));
            var content = SegmentBuilder.Trim(m.Content) + "<|eot_id|>";
            if (m.Role == "assistant") output.Assistant(content);
            else output.Text(content);
        }
        if (addGenerationPrompt) output.Text(string.Format(Header, "assistant"));
        return output.Build();
    }
}
