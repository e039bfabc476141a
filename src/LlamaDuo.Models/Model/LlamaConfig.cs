using System.Text.Json.Serialization;

namespace LlamaDuo.Models.Model;

/// <summary>
/// Shape and options of a Llama-family model, named as in a Hugging Face config.json so it reads (and writes) the same
/// file. Covers Llama 2/3, Mistral, Qwen2/2.5 (q/k/v biases) and SmolLM (tied embeddings). Parse a file with
/// <see cref="LlamaConfigJson"/>.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>"llama", "mistral" or "qwen2" (SmolLM ships as "llama").</summary>
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "llama";
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; }
    [JsonPropertyName("num_key_value_heads")] public int NumKeyValueHeads { get; init; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-5;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; init; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    /// <summary>Biases on q, k and v projections (Qwen2); o_proj never has one.</summary>
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }
    /// <summary>End-of-sequence ids; config.json may hold one id or a list (Llama 3).</summary>
    [JsonPropertyName("eos_token_id")] public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    /// <summary>"float32" or "bfloat16": the dtype the weights were stored in (informational; see the dtype option when loading).</summary>
    [JsonPropertyName("torch_dtype")] public string TorchDtype { get; init; } = "float32";

    /// <summary>Size of one attention head.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Width of the k and v projections (smaller than hidden_size under grouped-query attention).</summary>
    [JsonIgnore] public int KvDim => NumKeyValueHeads * HeadDim;

    /// <summary>Throws when the numbers cannot describe a working model (names the offending field).</summary>
    public void Validate(string? file = null)
    {
        void Require(bool ok, string field, object value, string why)
        {
            if (!ok) throw new Core.Errors.InputException(why, file, field: field, value: value.ToString());
        }
        Require(HiddenSize > 0, "hidden_size", HiddenSize, "must be positive");
        Require(IntermediateSize > 0, "intermediate_size", IntermediateSize, "must be positive");
        Require(NumHiddenLayers > 0, "num_hidden_layers", NumHiddenLayers, "must be positive");
        Require(NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0, "num_attention_heads", NumAttentionHeads,
            "must be positive and divide hidden_size");
        Require(HeadDim % 2 == 0, "num_attention_heads", NumAttentionHeads, "head size (hidden_size / heads) must be even for RoPE");
        Require(NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads == 0, "num_key_value_heads", NumKeyValueHeads,
            "must be positive and divide num_attention_heads");
        Require(VocabSize > 0, "vocab_size", VocabSize, "must be positive");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings", MaxPositionEmbeddings, "must be positive");
        Require(RopeTheta > 0, "rope_theta", RopeTheta, "must be positive");
    }
}
