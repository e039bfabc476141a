using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>
/// ChatML, <c>&lt;|im_start|&gt;role\n...&lt;|im_end|&gt;\n</c>, and its Qwen variants: "qwen" (Qwen2/2.5) puts a default
/// system prompt first when the conversation has none; "qwen3" opens a final answer with an empty think block
/// (<c>&lt;think&gt;\n\n&lt;/think&gt;\n\n</c>), as Qwen3's template does for the last assistant turn.
/// </summary>
internal sealed class ChatMlTemplate : IChatTemplate
{
    /// <summary>Qwen2.5's default system prompt.</summary>
    public const string QwenDefaultSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    const string ChatMlJinja =
        """{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}""";

    const string QwenJinjaTemplate =
        """{% if messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nDEFAULT_SYSTEM<|im_end|>\n' }}{% endif %}""" + ChatMlJinja;

    const string Qwen3Jinja =
        """{% for message in messages %}{% if message['role'] == 'assistant' and loop.last %}{{ '<|im_start|>assistant\n<think>\n\n</think>\n\n' + message['content'].lstrip('\n') + '<|im_end|>\n' }}{% else %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}""";

    const string ChatMlOllama = """
        {{- range .Messages }}<|im_start|>{{ .Role }}
        {{ .Content }}<|im_end|>
        {{ end }}<|im_start|>assistant

        """;

    readonly string? _defaultSystemPrompt;
    readonly bool _thinkBlockOnFinalAnswer;

    ChatMlTemplate(string name, string? defaultSystemPrompt, bool thinkBlockOnFinalAnswer, string jinja)
    {
        Name = name;
        _defaultSystemPrompt = defaultSystemPrompt;
        _thinkBlockOnFinalAnswer = thinkBlockOnFinalAnswer;
        JinjaSource = jinja;
    }

    /// <summary>Plain ChatML.</summary>
    public static ChatMlTemplate ChatMl(string? jinjaSource = null) => new("chatml", null, false, jinjaSource ?? ChatMlJinja);

    /// <summary>Qwen2/2.5: ChatML with a default system prompt when the conversation has none.</summary>
    public static ChatMlTemplate Qwen(string defaultSystemPrompt = QwenDefaultSystemPrompt, string? jinjaSource = null) =>
        new("qwen", defaultSystemPrompt, false, jinjaSource ?? QwenJinjaTemplate.Replace("DEFAULT_SYSTEM", defaultSystemPrompt));

    /// <summary>Qwen3 without thinking content: the final assistant answer opens with an empty think block.</summary>
    public static ChatMlTemplate Qwen3(string? jinjaSource = null) => new("qwen3", null, true, jinjaSource ?? Qwen3Jinja);

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["<|im_end|>", "<|endoftext|>"];

    /// <inheritdoc />
    public string? JinjaSource { get; }

    /// <inheritdoc />
    public string? OllamaTemplate => _defaultSystemPrompt is null && !_thinkBlockOnFinalAnswer ? ChatMlOllama : null;

    /// <inheritdoc />
    public IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt)
    {
        SegmentBuilder.CheckRoles(messages, Name, alternate: false);
        var output = new SegmentBuilder();
        if (_defaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != "system"))
            output.Text($"<|im_start|>system\n{_defaultSystemPrompt}<|im_end|>\n");
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (m.Role != "assistant")
            {
                output.Text($"<|im_start|>{m.Role}\n{m.Content}<|im_end|>\n");
                continue;
            }
            bool thinkBlock = _thinkBlockOnFinalAnswer && i == messages.Count - 1;
            output.Text(thinkBlock ? "<|im_start|>assistant\n<think>\n\n</think>\n\n" : "<|im_start|>assistant\n");
            output.Assistant((thinkBlock ? m.Content.TrimStart('\n') : m.Content) + "<|im_end|>");
            output.Text("\n");
        }
        if (addGenerationPrompt) output.Text("<|im_start|>assistant\n");
        return output.Build();
    }
}
