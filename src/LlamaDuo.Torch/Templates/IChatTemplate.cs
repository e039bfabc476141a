using LlamaDuo.Core.Data;

namespace LlamaDuo.Torch.Templates;

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
}
