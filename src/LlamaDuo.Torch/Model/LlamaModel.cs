using LlamaDuo.Models.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LlamaDuo.Torch.Model;

/// <summary>
/// The decoder stack without the output head (Hugging Face's "model.*" parameters): embed_tokens, layers, norm.
/// </summary>
public sealed class LlamaModel : nn.Module
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly RotaryEmbedding rotary; // not a module: holds only derived frequencies, never saved

    public LlamaModel(LlamaConfig c) : base(nameof(LlamaModel))
    {
        embed_tokens = Embedding(c.VocabSize, c.HiddenSize);
        layers = new ModuleList<LlamaDecoderLayer>(Enumerable.Range(0, c.NumHiddenLayers).Select(i => new LlamaDecoderLayer(c, i)).ToArray());
        norm = new RmsNorm(c.HiddenSize, c.RmsNormEps);
        rotary = new RotaryEmbedding(c);
        RegisterComponents();
    }

    /// <summary>Token embedding matrix [V, C] (also the output head when embeddings are tied).</summary>
    public Tensor EmbedWeight => embed_tokens.weight!;

    /// <summary>The decoder layers in order.</summary>
    public IReadOnlyList<LlamaDecoderLayer> Layers => new System.Collections.ObjectModel.ReadOnlyCollection<LlamaDecoderLayer>(layers);

    /// <summary>
    /// Final hidden states [B, T, C] (after the last norm) for <paramref name="inputIds"/> [B, T].
    /// <paramref name="positionIds"/> [B, T] default to cache length + 0..T-1. <paramref name="attentionMask"/>
    /// [B, S] (S = cached + new positions; 1 = real token, 0 = padding) masks padded keys; when it is null and nothing
    /// is cached the plain causal mask is used. With a cache the new keys/values are appended and its length advanced.
    /// </summary>
    public Tensor Hidden(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null)
    {
        long b = inputIds.shape[0], t = inputIds.shape[1];
        var past = cache?.Length ?? 0;
        using var positions = positionIds?.alias() ?? arange(past, past + t, dtype: ScalarType.Int64, device: inputIds.device).expand(b, t); // [B, T]
        using var mask = BuildMask(b, t, past, attentionMask, inputIds.device);                // [B, 1, T, S] or null
        var causal = past == 0;

        var x = embed_tokens.forward(inputIds);                                                 // [B, T, C]
        var (cos, signedSin) = rotary.Angles(positions, x.dtype);                                     // [B, 1, T, D]
        using (cos)
        using (signedSin)
        {
            foreach (var layer in layers)
            {
                var next = layer.Forward(x, cos, signedSin, mask, causal, cache);                     // [B, T, C]
                x.Dispose();
                x = next;
            }
        }
        cache?.Advance((int)t);
        using (x) return norm.forward(x);                                                       // [B, T, C]
    }

    /// <summary>Token embeddings [B, T, C] for <paramref name="inputIds"/> [B, T] (the first stage of <see cref="Hidden"/>).</summary>
    public Tensor Embed(Tensor inputIds) => embed_tokens.forward(inputIds);

    /// <summary>RoPE tables for <paramref name="positionIds"/> [B, T], as the layers take them (see <see cref="RotaryEmbedding.Angles"/>).</summary>
    public (Tensor Cos, Tensor SignedSin) Angles(Tensor positionIds, ScalarType dtype) => rotary.Angles(positionIds, dtype);

    /// <summary>The final norm (the last stage of <see cref="Hidden"/>).</summary>
    public Tensor Norm(Tensor x) => norm.forward(x);

    /// <summary>
    /// Boolean [B, 1, T, S] mask: query i (at absolute index past+i) may see key j when j &lt;= past+i and key j is
    /// not padding. Each query may always see itself, so padded query rows stay finite (their output is unused).
    /// Null when the plain causal mask (or no mask, for one new token) is enough.
    /// </summary>
    private static Tensor? BuildMask(long b, long t, int past, Tensor? attentionMask, Device device)
    {
        if (attentionMask is null && (past == 0 || t == 1)) return null;
        var s = past + t;
        using var queryPos = arange(past, s, dtype: ScalarType.Int64, device: device).view(t, 1);  // [T, 1]
        using var keyPos = arange(0, s, dtype: ScalarType.Int64, device: device).view(1, s);       // [1, S]
        using var causal = keyPos.le(queryPos);                                                     // [T, S]
        if (attentionMask is null) return causal.expand(b, 1, t, s).contiguous();
        using var keyValid = attentionMask.to(ScalarType.Bool).view(b, 1, 1, s);                   // [B, 1, 1, S]
        using var self = keyPos.eq(queryPos);                                                       // [T, S]
        using var allowed = causal.logical_and(keyValid);                                           // [B, 1, T, S]
        return allowed.logical_or(self);                                                            // [B, 1, T, S]
    }
}
