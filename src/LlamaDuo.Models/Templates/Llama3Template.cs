using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>
/// Llama 3 instruct: <c>&lt;|begin_of_text|&gt;</c>, then per message
/// <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c> + trimmed content + <c>&lt;|eot_id|&gt;</c>.
/// "llama3.1" (Llama 3.1 / 3.2 / 3.3 instruct) always opens with a system turn that starts with the knowledge-cutoff
/// lines (<c>Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n</c>, the templates' fixed default
/// date) followed by the trimmed system prompt, if any.
/// </summary>
internal sealed class Llama3Template : IChatTemplate
{
    const string Bos = "<|begin_of_text|>";
    const string Header = "<|start_header_id|>{0}<|end_header_id|>\n\n";

    const string Jinja =
        """{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}""";

    const string DatePreamble = "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";

    const string Llama31Jinja =
        """{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set system_message = messages[0]['content'] | trim %}{% set loop_messages = messages[1:] %}{% else %}{% set system_message = '' %}{% set loop_messages = messages %}{% endif %}{{ '<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n' + system_message + '<|eot_id|>' }}{% for message in loop_messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}""";

    const string Ollama = """
        {{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>

        {{ .Content }}<|eot_id|>
        {{- end }}<|start_header_id|>assistant<|end_header_id|>


        """;

    readonly bool _datePreamble;

    /// <summary>Creates the template; <paramref name="jinjaSource"/> keeps a model folder's own chat_template text.</summary>
    public Llama3Template(string? jinjaSource = null) => JinjaSource = jinjaSource ?? Jinja;

    Llama3Template(bool datePreamble, string? jinjaSource)
    {
        _datePreamble = datePreamble;
        JinjaSource = jinjaSource ?? (datePreamble ? Llama31Jinja : Jinja);
    }

    /// <summary>Llama 3.1 / 3.2 / 3.3: a system turn with the knowledge-cutoff preamble always comes first.</summary>
    public static Llama3Template Llama31(string? jinjaSource = null) => new(true, jinjaSource);

    /// <inheritdoc />
    public string Name => _datePreamble ? "llama3.1" : "llama3";

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["<|eot_id|>", "<|end_of_text|>"];

    /// <inheritdoc />
    public string? JinjaSource { get; }

    /// <inheritdoc />
    public bool RendersBos => true;

    /// <inheritdoc />
    public string? OllamaTemplate => _datePreamble ? null : Ollama;

    /// <inheritdoc />
    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        SegmentBuilder.CheckRoles(messages, Name, alternate: false);
        var output = new SegmentBuilder().Text(Bos);
        bool hasSystem = messages.Count > 0 && messages[0].Role == "system";
        if (_datePreamble)
        {
            var system = hasSystem ? SegmentBuilder.Trim(messages[0].Content) : "";
            output.Text(string.Format(Header, "system") + DatePreamble + system + "<|eot_id|>");
        }
        foreach (var m in messages.Skip(_datePreamble && hasSystem ? 1 : 0))
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
