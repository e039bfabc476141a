using LlamaDuo.Models.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LlamaDuo.Torch.Model;

/// <summary>One transformer block: x + attn(norm(x)), then h + mlp(norm(h)) (pre-norm residuals).</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    private readonly RmsNorm input_layernorm;
    private readonly LlamaAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly LlamaMlp mlp;
    private readonly int index;

    public LlamaDecoderLayer(LlamaConfig c, int index) : base(nameof(LlamaDecoderLayer))
    {
        input_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        self_attn = new LlamaAttention(c);
        post_attention_layernorm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        mlp = new LlamaMlp(c);
        this.index = index;
        RegisterComponents();
    }

    /// <summary>The attention block ("self_attn").</summary>
    public LlamaAttention SelfAttn => self_attn;

    /// <summary>The feed-forward block ("mlp").</summary>
    public LlamaMlp Mlp => mlp;

    public Tensor Forward(Tensor x, Tensor cos, Tensor signedSin, Tensor? mask, bool causal, KvCache? cache)
    {
        using var n1 = input_layernorm.forward(x);                                  // [B, T, C]
        using var a = self_attn.Forward(n1, cos, signedSin, mask, causal, cache, index);  // [B, T, C]
        using var h = x + a;                                                        // [B, T, C]
        using var n2 = post_attention_layernorm.forward(h);                         // [B, T, C]
        using var m = mlp.forward(n2);                                              // [B, T, C]
        return h + m;                                                               // [B, T, C]
    }
}
