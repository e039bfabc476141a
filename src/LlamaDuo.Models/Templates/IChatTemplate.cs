using LlamaDuo.Core.Data;

namespace LlamaDuo.Models.Templates;

/// <summary>A piece of a rendered conversation; <see cref="IsAssistant"/> marks text the training loss covers.</summary>
public sealed record TemplateSegment(string Text, bool IsAssistant);

/// <summary>Renders a conversation into the text a model was trained on (ChatML, Llama 3, [INST], Gemma, plain).</summary>
public interface IChatTemplate
{
    /// <summary>Short name: "chatml", "llama3", "llama2", "mistral", "gemma", "qwen", "plain".</summary>
    string Name { get; }

    /// <summary>Strings that end an assistant turn (e.g. "&lt;|im_end|&gt;"); generation stops on them.</summary>
    IReadOnlyList<string> StopStrings { get; }

    /// <summary>
    /// Renders messages as segments in order. With <paramref name="addGenerationPrompt"/> the text ends where the
    /// assistant's reply begins. Assistant content (and its end-of-turn marker) is flagged for the loss.
    /// </summary>
    IReadOnlyList<TemplateSegment> Render(IReadOnlyList<ChatTurn> messages, bool addGenerationPrompt);

    /// <summary>
    /// The Jinja chat_template this template is equivalent to, for tokenizer_config.json and GGUF
    /// (tokenizer.chat_template) on export: the model folder's own text when it was recognised there, else ours.
    /// Plain returns a Jinja that concatenates the contents.
    /// </summary>
    string? JinjaSource => null;

    /// <summary>
    /// True when the rendered text already starts with the BOS token's text (Llama 3, Llama 2, Mistral, Gemma):
    /// encode it with addBos: false and parseSpecial: true so BOS is not doubled.
    /// </summary>
    bool RendersBos => false;

    /// <summary>Ollama Modelfile TEMPLATE (Go template) with the same layout, when one is known.</summary>
    string? OllamaTemplate => null;
}
