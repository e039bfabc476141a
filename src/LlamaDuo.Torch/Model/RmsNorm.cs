using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Model;

/// <summary>
/// Root-mean-square layer norm: y = weight * x / sqrt(mean(x^2) + eps). Computed in fp32 whatever the weight dtype,
/// as Hugging Face does, so bf16 models do not lose the normalisation's precision; the result has x's dtype. TorchSharp
/// has no module for it.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly double eps;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(ones(size));
        this.eps = eps;
        RegisterComponents();
    }

    /// <summary>The learned per-channel scale [C].</summary>
    public Tensor Weight => weight;

    public override Tensor forward(Tensor x)
    {
        var dtype = x.dtype;
        using var x32 = x.to(ScalarType.Float32);                     // [..., C]
        using var meanSquare = x32.square().mean([-1L], keepdim: true); // [..., 1]
        using var inv = (meanSquare + eps).rsqrt_();                   // [..., 1]
        using var normed = x32 * inv;                                  // [..., C] fp32
        if (dtype == weight.dtype)
        {
            using var cast = normed.to(dtype);                         // as Hugging Face: cast, then scale
            return cast * weight;                                      // [..., C]
        }
        // bf16 activations over a frozen fp32 weight (LoRA on a bf16 base): scale in fp32, round once, keep x's dtype.
        using var scaled = normed * weight;                            // [..., C] fp32
        return scaled.to(dtype);                                       // [..., C]
    }
}
