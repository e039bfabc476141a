using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>
/// The [INST] family. "llama2" (Llama-2-chat): every user turn is <c>&lt;s&gt;[INST] ... [/INST]</c>, the system prompt
/// sits in a <c>&lt;&lt;SYS&gt;&gt;</c> block at the head of the first user turn, and an answer is
/// <c> answer &lt;/s&gt;</c>. "mistral" (Mistral instruct): one <c>&lt;s&gt;</c> at the start, <c>[INST] ... [/INST]</c>
/// turns, the system prompt joined to the first user turn by a blank line, and <c>answer&lt;/s&gt;</c>.
/// </summary>
internal sealed class Llama2Template : IChatTemplate
{
    const string Llama2Jinja =
        """{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}""";

    const string MistralJinja =
        """{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_prefix = messages[0]['content'] + '\n\n' %}{% else %}{% set loop_messages = messages %}{% set system_prefix = '' %}{% endif %}{% for message in loop_messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + (system_prefix if loop.first else '') + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}""";

    readonly bool _mistral;

    Llama2Template(bool mistral, string jinja)
    {
        _mistral = mistral;
        JinjaSource = jinja;
    }

    /// <summary>Llama-2-chat.</summary>
    public static Llama2Template Llama2(string? jinjaSource = null) => new(false, jinjaSource ?? Llama2Jinja);

    /// <summary>Mistral instruct.</summary>
    public static Llama2Template Mistral(string? jinjaSource = null) => new(true, jinjaSource ?? MistralJinja);

    /// <inheritdoc />
    public string Name => _mistral ? "mistral" : "llama2";

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["</s>"];

    /// <inheritdoc />
    public string? JinjaSource { get; }

    /// <inheritdoc />
    public bool RendersBos => true;

    /// <inheritdoc />
    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        // Both layouts end a prompt with [/INST]: the generation prompt adds nothing.
        SegmentBuilder.CheckRoles(messages, Name, alternate: true);
        bool hasSystem = messages.Count > 0 && messages[0].Role == "system";
        var system = hasSystem ? messages[0].Content : null;
        var output = new SegmentBuilder();
        if (_mistral) output.Text("<s>");
        bool first = true;
        foreach (var m in messages.Skip(hasSystem ? 1 : 0))
        {
            if (m.Role == "user")
            {
                var content = m.Content;
                if (first && system is not null)
                    content = _mistral ? system + "\n\n" + content : $"<<SYS>>\n{system}\n<</SYS>>\n\n{content}";
                output.Text(_mistral ? $"[INST] {content} [/INST]" : $"<s>[INST] {SegmentBuilder.Trim(content)} [/INST]");
            }
            else if (_mistral) output.Assistant(m.Content + "</s>");
            else output.Text(" ").Assistant(SegmentBuilder.Trim(m.Content) + " </s>");
            first = false;
        }
        return output.Build();
    }
}
