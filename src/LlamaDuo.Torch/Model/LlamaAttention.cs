using LlamaDuo.Models.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LlamaDuo.Torch.Model;

/// <summary>
/// Multi-head self-attention with grouped-query heads (num_key_value_heads may be smaller than num_attention_heads:
/// each k/v head serves a group of query heads), RoPE on q and k, optional q/k/v biases (Qwen2) and a KV cache.
/// </summary>
public sealed class LlamaAttention : nn.Module
{
    // Declared as Module<Tensor, Tensor> (not Linear) so LoRA can swap a wrapper in; see ReplaceProjection.
    private Module<Tensor, Tensor> q_proj;
    private Module<Tensor, Tensor> k_proj;
    private Module<Tensor, Tensor> v_proj;
    private Module<Tensor, Tensor> o_proj;
    private readonly int heads, kvHeads, headDim;

    /// <summary>Projection names in this block, as in Hugging Face checkpoints.</summary>
    public static readonly IReadOnlyList<string> ProjectionNames = ["q_proj", "k_proj", "v_proj", "o_proj"];

    public LlamaAttention(LlamaConfig c) : base(nameof(LlamaAttention))
    {
        heads = c.NumAttentionHeads;
        kvHeads = c.NumKeyValueHeads;
        headDim = c.HeadDim;
        q_proj = Linear(c.HiddenSize, heads * headDim, hasBias: c.AttentionBias);
        k_proj = Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias);
        v_proj = Linear(c.HiddenSize, kvHeads * headDim, hasBias: c.AttentionBias);
        o_proj = Linear(heads * headDim, c.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>
    /// Attends over the cached positions plus the new ones. <paramref name="mask"/> is a boolean [B, 1, T, S]
    /// (true = may attend) or null; with no mask and <paramref name="causal"/> set, SDPA's own causal mask is used
    /// (valid only when nothing is cached, since it is top-left aligned).
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor signedSin, Tensor? mask, bool causal, KvCache? cache, int layerIndex)
    {
        long b = x.shape[0], t = x.shape[1];
        using var qLin = q_proj.forward(x);                                              // [B, T, H*D]
        using var kLin = k_proj.forward(x);                                              // [B, T, KvH*D]
        using var vLin = v_proj.forward(x);                                              // [B, T, KvH*D]
        using var q0 = qLin.view(b, t, heads, headDim).transpose(1, 2);                  // [B, H, T, D]
        using var k0 = kLin.view(b, t, kvHeads, headDim).transpose(1, 2);                // [B, KvH, T, D]
        using var v0 = vLin.view(b, t, kvHeads, headDim).transpose(1, 2);                // [B, KvH, T, D]
        using var q = RotaryEmbedding.Apply(q0, cos, signedSin);                         // [B, H, T, D]
        using var kNew = RotaryEmbedding.Apply(k0, cos, signedSin);                      // [B, KvH, T, D]

        Tensor k = kNew, v = v0;
        if (cache is not null) (k, v) = cache.Append(layerIndex, kNew, v0);           // [B, KvH, S, D]
        using var kAll = RepeatKv(k);                                                    // [B, H, S, D]
        using var vAll = RepeatKv(v);                                                    // [B, H, S, D]
        if (cache is not null) { k.Dispose(); v.Dispose(); }

        using var y = functional.scaled_dot_product_attention(q, kAll, vAll, attn_mask: mask,
            is_casual: mask is null && causal && t > 1);                                  // [B, H, T, D]
        using var merged = y.transpose(1, 2).reshape(b, t, heads * headDim);             // [B, T, C]
        return o_proj.forward(merged);                                                   // [B, T, C]
    }

    /// <summary>Expands k/v heads so each query head in a group sees its shared k/v head (identity when no GQA).</summary>
    private Tensor RepeatKv(Tensor kv)
    {
        var groups = heads / kvHeads;
        if (groups == 1) return kv.alias();
        long b = kv.shape[0], s = kv.shape[2];
        using var expanded = kv.unsqueeze(2).expand(b, kvHeads, groups, s, headDim);     // [B, KvH, G, S, D]
        return expanded.reshape(b, heads, s, headDim);                                    // [B, H, S, D]
    }

    /// <summary>The projection called <paramref name="name"/> (q_proj, k_proj, v_proj or o_proj).</summary>
    public Module<Tensor, Tensor> Projection(string name) => name switch
    {
        "q_proj" => q_proj,
        "k_proj" => k_proj,
        "v_proj" => v_proj,
        "o_proj" => o_proj,
        _ => throw new ArgumentException($"no projection '{name}' in attention; expected one of {string.Join(", ", ProjectionNames)}", nameof(name)),
    };

    /// <summary>
    /// Replaces a projection with <paramref name="wrap"/>(current), e.g. a LoRA wrapper around the frozen Linear.
    /// The replacement is registered under the same name, so its parameters appear as "self_attn.{name}.*".
    /// </summary>
    public void ReplaceProjection(string name, Func<Module<Tensor, Tensor>, Module<Tensor, Tensor>> wrap)
    {
        var replacement = wrap(Projection(name));
        register_module(name, null!); // unregister the old module under this name
        register_module(name, replacement);
        switch (name)
        {
            case "q_proj": q_proj = replacement; break;
            case "k_proj": k_proj = replacement; break;
            case "v_proj": v_proj = replacement; break;
            default: o_proj = replacement; break;
        }
    }
}
