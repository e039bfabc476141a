using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>Exports a loaded model (stories15M, llama2.c .bin, Hugging Face folder; LlamaDuo.Torch's StudentModel) to GGUF.</summary>
public static class StudentModelExport
{
    /// <summary>Metadata key under which we record our template's name, so our llama.cpp engine renders prompts exactly as training did.</summary>
    public const string TemplateNameKey = "llamaduo.chat_template_name";

    /// <summary>Writes <paramref name="path"/> atomically with weights, tokenizer and chat-template metadata, in any <see cref="GgufQuant"/>.</summary>
    public static void ToGguf(IExportableModel model, string path, GgufQuant quant, string? name = null)
    {
        var vocabulary = TokenizerVocabulary.From(model.Tokenizer, model.Config, model.Template);
        // The model's own stop ids (BOS for llama2.c models) must stop llama.cpp too, in our engine or any other.
        var extraStop = model.StopTokenIds.Where(id => id != vocabulary.EosId).Cast<int?>().FirstOrDefault();
        if (extraStop is not null) vocabulary = vocabulary with { EndOfTurnId = extraStop };
        var (metadata, tensors) = LlamaGgufConverter.Convert(model.Config, name ?? Path.GetFileNameWithoutExtension(model.Source),
            vocabulary, model.NamedWeights(), quant);
        metadata.String(TemplateNameKey, model.Template.Name);
        Quantize.LlamaCppQuantizer.WriteFile(path, metadata, tensors, quant);
    }
}
