using System.Text.RegularExpressions;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>
/// Turns a Llama-family model (Hugging Face config and parameter names) plus its tokenizer into GGUF metadata and
/// tensors with llama.cpp's names. Architecture "qwen2" for Qwen2 (NEOX RoPE, q/k/v biases, no reordering), else
/// "llama" (Llama 2/3, Mistral, SmolLM, llama2.c), whose q/k rows are reordered for llama.cpp's RoPE.
/// </summary>
internal static partial class LlamaGgufConverter
{
    /// <summary>
    /// Builds the GGUF contents our writer stores for <paramref name="quant"/> (F32 for the quants llama.cpp's
    /// quantizer makes from it); nothing is read from the weights until the writer pulls each tensor.
    /// </summary>
    public static (GgufMetadata Metadata, IReadOnlyList<GgufTensor> Tensors) Convert(
        LlamaConfig config, string name, GgufVocabulary vocabulary, IReadOnlyList<NamedWeight> weights, GgufQuant quant)
    {
        config.Validate();
        vocabulary.Validate(config.VocabSize);
        string arch = Architecture(config);
        var metadata = new GgufMetadata()
            .String("general.architecture", arch)
            .String("general.name", name)
            .UInt32("general.file_type", quant.WrittenByUs().FileType())
            .UInt32("general.quantization_version", 2)
            .UInt32("general.alignment", GgufWriter.Alignment)
            .UInt32($"{arch}.vocab_size", (uint)config.VocabSize)
            .UInt32($"{arch}.context_length", (uint)config.MaxPositionEmbeddings)
            .UInt32($"{arch}.embedding_length", (uint)config.HiddenSize)
            .UInt32($"{arch}.block_count", (uint)config.NumHiddenLayers)
            .UInt32($"{arch}.feed_forward_length", (uint)config.IntermediateSize)
            .UInt32($"{arch}.attention.head_count", (uint)config.NumAttentionHeads)
            .UInt32($"{arch}.attention.head_count_kv", (uint)config.NumKeyValueHeads)
            .Float32($"{arch}.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps)
            .Float32($"{arch}.rope.freq_base", (float)config.RopeTheta)
            .UInt32($"{arch}.rope.dimension_count", (uint)config.HeadDim);
        GgufVocabularyMetadata.Add(metadata, vocabulary, config.VocabSize);

        var tensors = new List<GgufTensor>();
        foreach (var weight in weights)
        {
            var ggufName = GgufName(weight.Name);
            if (ggufName is null) continue;
            if (ggufName == "output.weight" && config.TieWordEmbeddings) continue;
            var read = Reordered(weight.Read, ggufName, config);
            tensors.Add(new GgufTensor(ggufName, weight.Shape, StorageType(weight.Shape, quant.WrittenByUs()), read));
        }
        if (config.RopeScaling is { } scaling)
        {
            var divisors = RopeLayout.Llama3FrequencyDivisors(scaling, config.RopeTheta, config.HeadDim);
            tensors.Add(new GgufTensor("rope_freqs.weight", [divisors.Length], GgufTensorType.F32, () => divisors));
        }
        CheckComplete(tensors, config);
        return (metadata, tensors);
    }

    /// <summary>Converts and writes <paramref name="path"/> atomically, through llama.cpp's quantizer for its quants.</summary>
    public static void Export(string path, LlamaConfig config, string name, GgufVocabulary vocabulary,
        IReadOnlyList<NamedWeight> weights, GgufQuant quant)
    {
        var (metadata, tensors) = Convert(config, name, vocabulary, weights, quant);
        Quantize.LlamaCppQuantizer.WriteFile(path, metadata, tensors, quant);
    }

    /// <summary>llama.cpp's name for a Hugging Face parameter, or null for buffers that are not exported.</summary>
    public static string? GgufName(string hfName)
    {
        switch (hfName)
        {
            case "model.embed_tokens.weight": return "token_embd.weight";
            case "model.norm.weight": return "output_norm.weight";
            case "lm_head.weight": return "output.weight";
        }
        if (hfName.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)) return null;
        var m = LayerParameter().Match(hfName);
        if (!m.Success) throw new ArgumentException($"no GGUF name for parameter '{hfName}'.");
        string part = m.Groups["part"].Value switch
        {
            "input_layernorm" => "attn_norm",
            "post_attention_layernorm" => "ffn_norm",
            "self_attn.q_proj" => "attn_q",
            "self_attn.k_proj" => "attn_k",
            "self_attn.v_proj" => "attn_v",
            "self_attn.o_proj" => "attn_output",
            "mlp.gate_proj" => "ffn_gate",
            "mlp.up_proj" => "ffn_up",
            "mlp.down_proj" => "ffn_down",
            var other => throw new ArgumentException($"no GGUF name for parameter '{hfName}' ({other})."),
        };
        return $"blk.{m.Groups["layer"].Value}.{part}.{m.Groups["kind"].Value}";
    }

    [GeneratedRegex(@"^model\.layers\.(?<layer>\d+)\.(?<part>.+)\.(?<kind>weight|bias)$")]
    private static partial Regex LayerParameter();

    // Vectors stay fp32 (llama.cpp adds them in fp32 anyway); Q8_0 needs rows that are whole blocks, else fp16.
    static GgufTensorType StorageType(long[] shape, GgufQuant quant)
    {
        if (shape.Length < 2) return GgufTensorType.F32;
        var type = quant.TensorType();
        return type == GgufTensorType.Q8_0 && shape[^1] % GgufEncoding.Q8BlockSize != 0 ? GgufTensorType.F16 : type;
    }

    /// <summary>llama.cpp's architecture name for <paramref name="config"/>: "qwen2" for Qwen2, else "llama".</summary>
    public static string Architecture(LlamaConfig config) => config.ModelType == "qwen2" ? "qwen2" : "llama";

    /// <summary>
    /// <paramref name="read"/>, with the rows of a q or k projection (weight, bias, or a LoRA B whose rows are the
    /// projection's outputs) reordered for llama.cpp's RoPE when the architecture is "llama"; otherwise unchanged.
    /// </summary>
    internal static Func<float[]> Reordered(Func<float[]> read, string ggufName, LlamaConfig config)
    {
        if (Architecture(config) != "llama") return read;
        if (ggufName.Contains(".attn_q.")) return () => RopeLayout.HalvesToInterleaved(read(), config.NumAttentionHeads, config.HeadDim);
        if (ggufName.Contains(".attn_k.")) return () => RopeLayout.HalvesToInterleaved(read(), config.NumKeyValueHeads, config.HeadDim);
        return read;
    }

    static void CheckComplete(List<GgufTensor> tensors, LlamaConfig config)
    {
        var names = tensors.Select(t => t.Name).ToHashSet();
        var required = new List<string> { "token_embd.weight", "output_norm.weight" };
        if (!config.TieWordEmbeddings) required.Add("output.weight");
        for (int i = 0; i < config.NumHiddenLayers; i++)
            foreach (var part in new[] { "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down" })
                required.Add($"blk.{i}.{part}.weight");
        var missing = required.Where(n => !names.Contains(n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"the model lacks weights for: {string.Join(", ", missing.Take(5))}.");
    }
}
