using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Model;

/// <summary>
/// A deliberately plain fp64 Llama forward pass written from the architecture's definition with loops over arrays:
/// an independent reference for the TorchSharp model (no tensors, no batching, no cache, no SDPA).
/// </summary>
internal sealed class NaiveLlama
{
    private readonly LlamaConfig c;
    private readonly Dictionary<string, double[]> w;

    public NaiveLlama(LlamaForCausalLM model)
    {
        c = model.Config;
        w = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float64).data<double>().ToArray());
    }

    /// <summary>Logits [T][V] for one sequence.</summary>
    public double[][] Logits(IReadOnlyList<long> ids)
    {
        int t = ids.Count, d = c.HiddenSize, hd = c.HeadDim, kvd = c.KvDim;
        var x = ids.Select(id => w["model.embed_tokens.weight"].AsSpan((int)id * d, d).ToArray()).ToArray();
        for (var l = 0; l < c.NumHiddenLayers; l++)
        {
            var p = $"model.layers.{l}.";
            var n = x.Select(v => Norm(v, w[p + "input_layernorm.weight"])).ToArray();
            var q = n.Select((v, pos) => Rope(MatVec(p + "self_attn.q_proj", v, d), pos)).ToArray();
            var k = n.Select((v, pos) => Rope(MatVec(p + "self_attn.k_proj", v, kvd), pos)).ToArray();
            var val = n.Select(v => MatVec(p + "self_attn.v_proj", v, kvd)).ToArray();
            for (var i = 0; i < t; i++)
            {
                var attn = new double[d];
                for (var h = 0; h < c.NumAttentionHeads; h++)
                {
                    var g = h / (c.NumAttentionHeads / c.NumKeyValueHeads); // the k/v head this query head shares
                    var scores = new double[i + 1];
                    for (var j = 0; j <= i; j++)
                        for (var e = 0; e < hd; e++) scores[j] += q[i][h * hd + e] * k[j][g * hd + e] / Math.Sqrt(hd);
                    var max = scores.Max();
                    var probs = scores.Select(s => Math.Exp(s - max)).ToArray();
                    var sum = probs.Sum();
                    for (var j = 0; j <= i; j++)
                        for (var e = 0; e < hd; e++) attn[h * hd + e] += probs[j] / sum * val[j][g * hd + e];
                }
                var o = MatVec(p + "self_attn.o_proj", attn, d);
                for (var e = 0; e < d; e++) x[i][e] += o[e];
                var m = Norm(x[i], w[p + "post_attention_layernorm.weight"]);
                var gate = MatVec(p + "mlp.gate_proj", m, c.IntermediateSize);
                var up = MatVec(p + "mlp.up_proj", m, c.IntermediateSize);
                var act = gate.Select((gv, e) => gv / (1 + Math.Exp(-gv)) * up[e]).ToArray();
                var down = MatVec(p + "mlp.down_proj", act, d);
                for (var e = 0; e < d; e++) x[i][e] += down[e];
            }
        }
        var head = c.TieWordEmbeddings ? "model.embed_tokens" : "lm_head";
        return x.Select(v => MatVec(head, Norm(v, w["model.norm.weight"]), c.VocabSize)).ToArray();
    }

    private double[] MatVec(string name, double[] v, int rows)
    {
        var m = w[name + ".weight"];
        w.TryGetValue(name + ".bias", out var bias);
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var s = bias?[r] ?? 0;
            for (var e = 0; e < v.Length; e++) s += m[r * v.Length + e] * v[e];
            y[r] = s;
        }
        return y;
    }

    private double[] Norm(double[] v, double[] weight)
    {
        var rms = Math.Sqrt(v.Sum(a => a * a) / v.Length + c.RmsNormEps);
        return v.Select((a, i) => a / rms * weight[i]).ToArray();
    }

    /// <summary>Rotates dimension i with i + D/2 of each head by pos * frequency(i).</summary>
    private double[] Rope(double[] v, int pos)
    {
        int hd = c.HeadDim, half = hd / 2;
        var y = (double[])v.Clone();
        for (var h = 0; h < v.Length / hd; h++)
            for (var i = 0; i < half; i++)
            {
                var angle = pos * Frequency(i);
                double a = v[h * hd + i], b = v[h * hd + i + half];
                y[h * hd + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
                y[h * hd + i + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
            }
        return y;
    }

    private double Frequency(int i)
    {
        var f = Math.Pow(c.RopeTheta, -2.0 * i / c.HeadDim);
        if (c.RopeScaling is not { } s) return f;
        // Llama 3: wavelengths longer than original/low_freq_factor are slowed by factor; shorter than
        // original/high_freq_factor kept; in between, a linear blend in (original / wavelength).
        var wavelength = 2 * Math.PI / f;
        if (wavelength < s.OriginalMaxPositionEmbeddings / s.HighFreqFactor) return f;
        if (wavelength > s.OriginalMaxPositionEmbeddings / s.LowFreqFactor) return f / s.Factor;
        var blend = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return blend * f + (1 - blend) * f / s.Factor;
    }
}
