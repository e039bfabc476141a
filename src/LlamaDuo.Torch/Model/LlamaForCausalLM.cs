using LlamaDuo.Models.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LlamaDuo.Torch.Model;

/// <summary>
/// A Llama-family causal language model with Hugging Face parameter names, so state_dict keys map one to one to
/// checkpoint tensors: model.embed_tokens.weight, model.layers.{i}.self_attn.{q,k,v,o}_proj.weight (+ .bias on
/// q/k/v when attention_bias), model.layers.{i}.mlp.{gate,up,down}_proj.weight,
/// model.layers.{i}.{input,post_attention}_layernorm.weight, model.norm.weight, and lm_head.weight unless
/// tie_word_embeddings (then the head reuses model.embed_tokens.weight and has no key of its own).
/// </summary>
public sealed class LlamaForCausalLM : Module<Tensor, Tensor>
{
    private readonly LlamaModel model;
    private readonly Module<Tensor, Tensor>? lm_head;

    public LlamaForCausalLM(LlamaConfig config) : base(nameof(LlamaForCausalLM))
    {
        config.Validate();
        Config = config;
        model = new LlamaModel(config);
        lm_head = config.TieWordEmbeddings ? null : Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The shape this model was built with.</summary>
    public LlamaConfig Config { get; }

    /// <summary>The decoder stack ("model.*").</summary>
    public LlamaModel Model => model;

    /// <summary>The decoder layers in order (shortcut for Model.Layers).</summary>
    public IReadOnlyList<LlamaDecoderLayer> Layers => model.Layers;

    /// <summary>Dtype of the weights (Float32 or BFloat16).</summary>
    public ScalarType DType => model.EmbedWeight.dtype;

    /// <summary>Logits [B, T, V] for input ids [B, T] with the plain causal mask and no cache.</summary>
    public override Tensor forward(Tensor inputIds) => Forward(inputIds);

    /// <summary>Logits [B, T, V]; see <see cref="Hidden"/> for the arguments.</summary>
    public Tensor Forward(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null)
    {
        using var hidden = Hidden(inputIds, positionIds, attentionMask, cache); // [B, T, C]
        return Head(hidden);                                                     // [B, T, V]
    }

    /// <summary>Final hidden states [B, T, C]; see <see cref="LlamaModel.Hidden"/>. Apply <see cref="Head"/> only where logits are needed.</summary>
    public Tensor Hidden(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null)
        => model.Hidden(inputIds, positionIds, attentionMask, cache);

    /// <summary>The output head's weight [V, C]: the embedding matrix when tied.</summary>
    public Tensor HeadWeight => lm_head is null ? model.EmbedWeight : Lora.LoraLinear.WeightOf(lm_head);

    /// <summary>Output head: hidden [..., C] to logits [..., V] (the embedding matrix when tied).</summary>
    public Tensor Head(Tensor hidden)
        => lm_head is null ? functional.linear(hidden, model.EmbedWeight) : lm_head.forward(hidden);

    /// <summary>The Hugging Face tensor names a plain (adapter-free) model of this shape has, in checkpoint order.</summary>
    public static IReadOnlyList<string> ParameterNames(LlamaConfig c)
    {
        var names = new List<string> { "model.embed_tokens.weight" };
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            names.Add(p + "input_layernorm.weight");
            foreach (var proj in LlamaAttention.ProjectionNames)
            {
                names.Add($"{p}self_attn.{proj}.weight");
                if (c.AttentionBias && proj != "o_proj") names.Add($"{p}self_attn.{proj}.bias");
            }
            names.Add(p + "post_attention_layernorm.weight");
            names.AddRange(LlamaMlp.ProjectionNames.Select(proj => $"{p}mlp.{proj}.weight"));
        }
        names.Add("model.norm.weight");
        if (!c.TieWordEmbeddings) names.Add("lm_head.weight");
        return names;
    }

    /// <summary>A fresh, empty KV cache for <paramref name="batchSize"/> rows and <paramref name="capacity"/> positions.</summary>
    public KvCache NewCache(long batchSize, int capacity)
        => new(Config, batchSize, capacity, DType, model.EmbedWeight.device);

    /// <summary>
    /// Replaces every projection whose name is in <paramref name="names"/> (q_proj, k_proj, v_proj, o_proj,
    /// gate_proj, up_proj, down_proj) in every layer with wrap(path, current); path is e.g. "model.layers.3.self_attn.q_proj".
    /// </summary>
    public void ReplaceProjections(IEnumerable<string> names, Func<string, Module<Tensor, Tensor>, Module<Tensor, Tensor>> wrap)
    {
        var set = names.ToHashSet();
        var unknown = set.Except(LlamaAttention.ProjectionNames).Except(LlamaMlp.ProjectionNames).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown projection names: {string.Join(", ", unknown)}", nameof(names));
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            foreach (var n in LlamaAttention.ProjectionNames.Where(set.Contains))
                layer.SelfAttn.ReplaceProjection(n, m => wrap($"model.layers.{i}.self_attn.{n}", m));
            foreach (var n in LlamaMlp.ProjectionNames.Where(set.Contains))
                layer.Mlp.ReplaceProjection(n, m => wrap($"model.layers.{i}.mlp.{n}", m));
        }
    }

    /// <summary>Fills weights and biases with N(0, 0.02) (norm weights 1) from <paramref name="seed"/>: small random models for tests.</summary>
    public void InitRandom(long seed)
    {
        using var _ = no_grad();
        var gen = new TorchSharp.torch.Generator((ulong)seed);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1);
            else p.normal_(0, 0.02, gen); // biases too, so tests notice a bias that is dropped or misnamed
        }
    }
}
