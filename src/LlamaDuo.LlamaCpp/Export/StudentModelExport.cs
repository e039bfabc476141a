using LlamaDuo.Torch.Loading;
using static TorchSharp.torch;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>Exports a loaded <see cref="StudentModel"/> (stories15M, llama2.c .bin, Hugging Face folder) to GGUF.</summary>
public static class StudentModelExport
{
    /// <summary>Metadata key under which we record our template's name, so our llama.cpp engine renders prompts exactly as training did.</summary>
    public const string TemplateNameKey = "llamaduo.chat_template_name";

    /// <summary>Writes <paramref name="path"/> atomically with weights, tokenizer and chat-template metadata, in any <see cref="GgufQuant"/>.</summary>
    public static void ToGguf(StudentModel model, string path, GgufQuant quant, string? name = null)
    {
        var vocabulary = TokenizerVocabulary.From(model.Tokenizer, model.Config, model.Template);
        // The model's own stop ids (BOS for llama2.c models) must stop llama.cpp too, in our engine or any other.
        var extraStop = model.StopTokenIds.Where(id => id != vocabulary.EosId).Cast<int?>().FirstOrDefault();
        if (extraStop is not null) vocabulary = vocabulary with { EndOfTurnId = extraStop };
        var (metadata, tensors) = LlamaGgufConverter.Convert(model.Config, name ?? Path.GetFileNameWithoutExtension(model.Source),
            vocabulary, Weights(model), quant);
        metadata.String(TemplateNameKey, model.Template.Name);
        Quantize.LlamaCppQuantizer.WriteFile(path, metadata, tensors, quant);
    }

    /// <summary>The module's parameters under their Hugging Face names, read as fp32 one at a time.</summary>
    public static IReadOnlyList<NamedWeight> Weights(StudentModel model) =>
        model.Module.state_dict()
            .Select(kv => new NamedWeight(kv.Key, kv.Value.shape, () => ReadFloats(kv.Value)))
            .ToList();

    static float[] ReadFloats(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }
}
