using LlamaDuo.Models.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Model;

/// <summary>
/// Rotary position embedding in Hugging Face's "rotate halves" layout: dimension i pairs with i + D/2 (llama2.c
/// pairs 2i with 2i+1, which is why its wq/wk rows are permuted on load). Frequencies are theta^(-2i/D), optionally
/// rescaled the Llama 3 way. Angles are computed from position ids on every call, so left-padded rows and cached
/// decoding get the right positions without a table sized to the whole context.
/// </summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor invFreq; // [D/2] fp32

    public RotaryEmbedding(LlamaConfig config)
    {
        var half = config.HeadDim / 2;
        var freqs = new float[half];
        for (var i = 0; i < half; i++)
        {
            var f = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
            freqs[i] = (float)(config.RopeScaling is { } s ? ScaleLlama3(f, s) : f);
        }
        invFreq = tensor(freqs).DetachFromDisposeScope();
    }

    /// <summary>Llama 3 scaling: keep high frequencies, divide low ones by factor, interpolate the band between.</summary>
    public static double ScaleLlama3(double freq, RopeScaling s)
    {
        var wavelength = 2 * Math.PI / freq;
        var lowFreqWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        var highFreqWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        if (wavelength < highFreqWavelen) return freq;
        if (wavelength > lowFreqWavelen) return freq / s.Factor;
        var smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (1 - smooth) * freq / s.Factor + smooth * freq;
    }

    /// <summary>
    /// cos of the angles and sin with its first half negated, both [B, 1, T, D] in <paramref name="dtype"/>; the
    /// sign folds rotate_half's negation into the table so <see cref="Apply"/> needs only a roll.
    /// </summary>
    public (Tensor Cos, Tensor SignedSin) Angles(Tensor positionIds, ScalarType dtype)
    {
        using var pos = positionIds.to(ScalarType.Float32).unsqueeze(-1);   // [B, T, 1]
        using var freqs = pos * invFreq.to(positionIds.device);            // [B, T, D/2]
        using var emb = cat([freqs, freqs], -1).unsqueeze(1);              // [B, 1, T, D]
        using var negFreqs = freqs.neg();
        using var signedEmb = cat([negFreqs, freqs], -1).unsqueeze(1);     // [B, 1, T, D]: sin(-a) = -sin(a)
        return (emb.cos().to(dtype), signedEmb.sin().to(dtype));
    }

    /// <summary>
    /// x * cos + rotate_half(x) * sin, where rotate_half([a, b]) = [-b, a] over the last dimension. Rolling x by D/2
    /// gives [b, a]; the signed sin supplies the minus.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        using var rolled = x.roll(x.shape[^1] / 2, -1);                    // [B, H, T, D]: [b, a]
        var result = x * cos;                                              // [B, H, T, D]
        return result.addcmul_(rolled, signedSin, 1);                      // in place: returns result itself
    }

    public void Dispose() => invFreq.Dispose();
}
