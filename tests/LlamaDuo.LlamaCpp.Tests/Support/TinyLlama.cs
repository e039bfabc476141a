using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>A small random Llama-family model in Hugging Face layout: config, named weights and a synthetic vocabulary.</summary>
sealed class TinyLlama
{
    public required LlamaConfig Config { get; init; }
    public required Dictionary<string, (long[] Shape, float[] Values)> Weights { get; init; }

    public IReadOnlyList<NamedWeight> NamedWeights =>
        Weights.Select(w => new NamedWeight(w.Key, w.Value.Shape, () => (float[])w.Value.Values.Clone())).ToList();

    public float[] this[string name] => Weights[name].Values;

    /// <summary>Weights drawn from N(0, 0.02) (norm weights near 1), biases larger so that they matter.</summary>
    public static TinyLlama Random(LlamaConfig config, int seed)
    {
        var rng = new Random(seed);
        var weights = new Dictionary<string, (long[], float[])>();
        void Add(string name, float scale, float offset, params long[] shape)
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (int i = 0; i < values.Length; i++) values[i] = offset + scale * Gaussian(rng);
            weights[name] = (shape, values);
        }
        int h = config.HiddenSize, kv = config.KvDim, ff = config.IntermediateSize;
        Add("model.embed_tokens.weight", 0.5f, 0, config.VocabSize, h);
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            Add(p + "input_layernorm.weight", 0.1f, 1, h);
            Add(p + "self_attn.q_proj.weight", 0.1f, 0, h, h);
            Add(p + "self_attn.k_proj.weight", 0.1f, 0, kv, h);
            Add(p + "self_attn.v_proj.weight", 0.1f, 0, kv, h);
            Add(p + "self_attn.o_proj.weight", 0.1f, 0, h, h);
            if (config.AttentionBias)
            {
                Add(p + "self_attn.q_proj.bias", 0.2f, 0, h);
                Add(p + "self_attn.k_proj.bias", 0.2f, 0, kv);
                Add(p + "self_attn.v_proj.bias", 0.2f, 0, kv);
            }
            Add(p + "post_attention_layernorm.weight", 0.1f, 1, h);
            Add(p + "mlp.gate_proj.weight", 0.1f, 0, ff, h);
            Add(p + "mlp.up_proj.weight", 0.1f, 0, ff, h);
            Add(p + "mlp.down_proj.weight", 0.1f, 0, h, ff);
        }
        Add("model.norm.weight", 0.1f, 1, h);
        if (!config.TieWordEmbeddings) Add("lm_head.weight", 0.1f, 0, config.VocabSize, h);
        return new TinyLlama { Config = config, Weights = weights };
    }

    static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
