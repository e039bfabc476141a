using System.Text.Json;
using System.Text.RegularExpressions;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Templates;

/// <summary>
/// Picks a chat template: by name, or by recognising a model folder's Jinja chat_template from its markers
/// (<c>&lt;start_of_turn&gt;</c> gemma, <c>&lt;|start_header_id|&gt;</c> llama3 / llama3.1, <c>&lt;|im_start|&gt;</c> chatml / qwen /
/// qwen3, <c>[INST]</c> llama2 / mistral). An explicit name always wins; a folder without a template gets plain.
/// </summary>
public static class ChatTemplates
{
    /// <summary>Every name <see cref="ByName"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["chatml", "qwen", "qwen3", "llama3", "llama3.1", "llama2", "mistral", "gemma", "plain"];

    /// <summary>The template for base models with no chat format (stories15M).</summary>
    public static IChatTemplate Plain => PlainTemplate.Instance;

    /// <summary>The built-in template of that name (case-insensitive).</summary>
    public static IChatTemplate ByName(string name) => Create(name, jinjaSource: null)
        ?? throw new InputException($"unknown chat template; known: {string.Join(", ", Names)}", field: "template", value: name);

    /// <summary>
    /// The template for a Hugging Face model folder: <paramref name="overrideName"/> when given; else recognised
    /// from tokenizer_config.json's chat_template (or chat_template.jinja), keeping that Jinja text for export;
    /// plain when the folder has no template. An unrecognised template without an override is an error.
    /// </summary>
    public static IChatTemplate ForFolder(string folder, string? overrideName)
    {
        var (jinja, file) = ReadJinja(folder);
        var recognised = jinja is null ? null : Recognize(jinja);
        if (!string.IsNullOrWhiteSpace(overrideName))
        {
            // Keep the folder's Jinja only when it is the same format as the one asked for.
            bool sameFormat = recognised is not null && string.Equals(recognised, overrideName, StringComparison.OrdinalIgnoreCase);
            return (sameFormat ? Create(overrideName, jinja) : null) ?? ByName(overrideName);
        }
        if (jinja is null) return Plain;
        if (recognised is null)
            throw new InputException(
                $"chat_template not recognised; pass a template name explicitly, one of: {string.Join(", ", Names)}",
                file, field: "chat_template", value: jinja);
        return Create(recognised, jinja)!;
    }

    /// <summary>
    /// The template a Jinja chat_template (from a folder or a GGUF's tokenizer.chat_template) is recognised as, keeping
    /// that text as its <see cref="IChatTemplate.JinjaSource"/> and a Qwen-style default system prompt; null when
    /// not recognised.
    /// </summary>
    public static IChatTemplate? FromJinja(string jinja) => Recognize(jinja) is { } name ? Create(name, jinja) : null;

    /// <summary>The template name a Jinja chat_template corresponds to, or null when no known markers appear.</summary>
    public static string? Recognize(string jinja)
    {
        if (jinja.Contains("<start_of_turn>")) return "gemma";
        if (jinja.Contains("<|start_header_id|>")) return jinja.Contains("Cutting Knowledge Date") ? "llama3.1" : "llama3";
        if (jinja.Contains("<|im_start|>"))
        {
            if (jinja.Contains("<think>")) return "qwen3";
            return QwenDefaultPrompt(jinja) is not null ? "qwen" : "chatml";
        }
        if (jinja.Contains("[INST]")) return jinja.Contains("<<SYS>>") ? "llama2" : "mistral";
        // Our own plain template, as our exporters write it into tokenizer_config.json and GGUF metadata.
        if (jinja.Trim() == Plain.JinjaSource) return "plain";
        return null;
    }

    static IChatTemplate? Create(string name, string? jinjaSource) => name.ToLowerInvariant() switch
    {
        "chatml" => ChatMlTemplate.ChatMl(jinjaSource),
        "qwen" => jinjaSource is not null && QwenDefaultPrompt(jinjaSource) is { } prompt
            ? ChatMlTemplate.Qwen(prompt, jinjaSource) : ChatMlTemplate.Qwen(jinjaSource: jinjaSource),
        "qwen3" => ChatMlTemplate.Qwen3(jinjaSource),
        "llama3" => new Llama3Template(jinjaSource),
        "llama3.1" => Llama3Template.Llama31(jinjaSource),
        "llama2" => Llama2Template.Llama2(jinjaSource),
        "mistral" => Llama2Template.Mistral(jinjaSource),
        "gemma" => new GemmaTemplate(jinjaSource),
        "plain" => Plain,
        _ => null,
    };

    /// <summary>The literal default system prompt of a Qwen2-style template, e.g. "You are a helpful assistant.".</summary>
    static string? QwenDefaultPrompt(string jinja)
    {
        var m = Regex.Match(jinja, @"<\|im_start\|>system\\n([^'""<\\]+)<\|im_end\|>");
        return m.Success ? m.Groups[1].Value : null;
    }

    static (string? Jinja, string? File) ReadJinja(string folder)
    {
        var standalone = Path.Combine(folder, "chat_template.jinja");
        if (File.Exists(standalone)) return (File.ReadAllText(standalone), standalone);
        var config = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(config)) return (null, null);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(config));
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON ({e.Message})", config, inner: e);
        }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("chat_template", out var t)) return (null, config);
            if (t.ValueKind == JsonValueKind.String) return (t.GetString(), config);
            if (t.ValueKind == JsonValueKind.Array)
            {
                // A list of named templates: the "default" one is the chat format.
                foreach (var entry in t.EnumerateArray())
                    if (entry.TryGetProperty("name", out var n) && n.GetString() == "default")
                        return (entry.GetProperty("template").GetString(), config);
            }
            return (null, config);
        }
    }
}
