using LlamaDuo.LlamaCpp.Export;

namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>
/// A deliberately plain fp64 Llama forward pass over Hugging Face-layout weights (halves RoPE), written from the
/// model's equations: an independent third implementation to check both llama.cpp and the exporter against.
/// </summary>
static class ReferenceLlama
{
    /// <summary>Logits [position][vocab] for one sequence.</summary>
    public static float[][] Logits(TinyLlama model, IReadOnlyList<int> tokens)
    {
        var c = model.Config;
        int h = c.HiddenSize, d = c.HeadDim, heads = c.NumAttentionHeads, kvHeads = c.NumKeyValueHeads, n = tokens.Count;
        double[] divisors = c.RopeScaling is { } s
            ? RopeLayout.Llama3FrequencyDivisors(s, c.RopeTheta, d).Select(v => (double)v).ToArray()
            : Enumerable.Repeat(1.0, d / 2).ToArray();
        var x = tokens.Select(t => model["model.embed_tokens.weight"].Skip(t * h).Take(h).Select(v => (double)v).ToArray()).ToArray();
        for (int layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            string p = $"model.layers.{layer}.";
            var normed = x.Select(row => RmsNorm(row, model[p + "input_layernorm.weight"], c.RmsNormEps)).ToArray();
            var q = normed.Select(r => Linear(model, p + "self_attn.q_proj", r)).ToArray();
            var k = normed.Select(r => Linear(model, p + "self_attn.k_proj", r)).ToArray();
            var v = normed.Select(r => Linear(model, p + "self_attn.v_proj", r)).ToArray();
            for (int t = 0; t < n; t++) { Rope(q[t], heads, d, t, c.RopeTheta, divisors); Rope(k[t], kvHeads, d, t, c.RopeTheta, divisors); }
            for (int t = 0; t < n; t++)
            {
                var attended = new double[h];
                for (int head = 0; head < heads; head++)
                {
                    int kvHead = head / (heads / kvHeads);
                    var scores = new double[t + 1];
                    for (int u = 0; u <= t; u++)
                    {
                        double dot = 0;
                        for (int i = 0; i < d; i++) dot += q[t][head * d + i] * k[u][kvHead * d + i];
                        scores[u] = dot / Math.Sqrt(d);
                    }
                    double max = scores.Max(), sum = scores.Sum(sc => Math.Exp(sc - max));
                    for (int u = 0; u <= t; u++)
                        for (int i = 0; i < d; i++) attended[head * d + i] += Math.Exp(scores[u] - max) / sum * v[u][kvHead * d + i];
                }
                Add(x[t], Linear(model, p + "self_attn.o_proj", attended));
                var m = RmsNorm(x[t], model[p + "post_attention_layernorm.weight"], c.RmsNormEps);
                var gate = Linear(model, p + "mlp.gate_proj", m);
                var up = Linear(model, p + "mlp.up_proj", m);
                var hidden = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                Add(x[t], Linear(model, p + "mlp.down_proj", hidden));
            }
        }
        string head0 = c.TieWordEmbeddings ? "model.embed_tokens" : "lm_head";
        return x.Select(row => Linear(model, head0, RmsNorm(row, model["model.norm.weight"], c.RmsNormEps)).Select(v => (float)v).ToArray()).ToArray();
    }

    static double[] Linear(TinyLlama model, string prefix, double[] input)
    {
        var w = model[prefix + ".weight"];
        int outputs = w.Length / input.Length;
        var bias = model.Weights.TryGetValue(prefix + ".bias", out var b) ? b.Values : null;
        var y = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double acc = bias?[o] ?? 0;
            for (int i = 0; i < input.Length; i++) acc += w[o * input.Length + i] * input[i];
            y[o] = acc;
        }
        return y;
    }

    static double[] RmsNorm(double[] x, float[] weight, double eps)
    {
        double scale = 1 / Math.Sqrt(x.Sum(v => v * v) / x.Length + eps);
        return x.Select((v, i) => v * scale * weight[i]).ToArray();
    }

    // Hugging Face layout: element i pairs with element i + d/2 of the same head.
    static void Rope(double[] x, int heads, int d, int position, double theta, double[] divisors)
    {
        for (int head = 0; head < heads; head++)
            for (int i = 0; i < d / 2; i++)
            {
                double angle = position / Math.Pow(theta, 2.0 * i / d) / divisors[i];
                int a = head * d + i, b = a + d / 2;
                double x1 = x[a], x2 = x[b];
                x[a] = x1 * Math.Cos(angle) - x2 * Math.Sin(angle);
                x[b] = x2 * Math.Cos(angle) + x1 * Math.Sin(angle);
            }
    }

    static void Add(double[] target, double[] delta)
    {
        for (int i = 0; i < target.Length; i++) target[i] += delta[i];
    }
}
