using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// A frozen projection plus a trainable low-rank update: <c>y = W0 x + (alpha / r) B A x</c>, with A [r, in] drawn
/// kaiming-uniform (as PEFT does) and B [out, r] zero, so a fresh adapter leaves the output exactly unchanged.
/// Dropout (training only) applies to the adapter's input, not to the base path; its masks come from
/// <see cref="DropoutMask"/>. The base must return the input's dtype; for a bf16 frozen base wrap it in
/// <see cref="FrozenLinear"/> first. A and B are stored in fp32; the update is computed in the input's dtype.
/// Parameter names follow PEFT: <c>base_layer</c>, <c>lora_A</c>, <c>lora_B</c>.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> base_layer;
    readonly Parameter lora_A; // [r, in]
    readonly Parameter lora_B; // [out, r]

    /// <summary>
    /// Wraps <paramref name="baseLayer"/> (any projection whose parameter "weight" is [out, in]). A is drawn from
    /// <paramref name="init"/> (torch's global generator when null) as U(-1/sqrt(in), 1/sqrt(in)), which is what
    /// PEFT's kaiming_uniform_(a = sqrt(5)) gives.
    /// </summary>
    public LoraLinear(nn.Module<Tensor, Tensor> baseLayer, int rank, double alpha, double dropout, Generator? init = null, string name = "lora")
        : base(name)
    {
        var weight = WeightOf(baseLayer);
        OutFeatures = weight.shape[0];
        InFeatures = weight.shape[1];
        if (rank < 1 || rank > Math.Min(InFeatures, OutFeatures))
            throw new Core.Errors.InputException(
                $"LoRA rank must be between 1 and the smaller side of the layer ({Math.Min(InFeatures, OutFeatures)} for a [{OutFeatures}, {InFeatures}] projection)",
                field: "rank", value: rank.ToString());
        Rank = rank;
        Alpha = alpha;
        Dropout = dropout;
        base_layer = baseLayer;
        var device = weight.device;
        lora_A = new Parameter(empty(rank, InFeatures, dtype: ScalarType.Float32, device: device));
        lora_B = new Parameter(zeros(OutFeatures, rank, dtype: ScalarType.Float32, device: device));
        var bound = 1.0 / Math.Sqrt(InFeatures);
        using (no_grad()) lora_A.uniform_(-bound, bound, init);
        RegisterComponents();
        foreach (var p in base_layer.parameters()) p.requires_grad = false;
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public int Rank { get; }
    public double Alpha { get; }
    public double Dropout { get; }

    /// <summary>alpha / r.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>
    /// Where dropout masks come from (torch's global generator when null). The trainer gives every adapter one
    /// generator and re-seeds it each step, so masks depend on the step alone, whatever else uses torch's RNG.
    /// </summary>
    public Generator? DropoutGenerator { get; set; }

    /// <summary>The wrapped projection (frozen).</summary>
    public nn.Module<Tensor, Tensor> BaseLayer => base_layer;

    /// <summary>A, [r, in].</summary>
    public Parameter A => lora_A;

    /// <summary>B, [out, r].</summary>
    public Parameter B => lora_B;

    public override Tensor forward(Tensor x)
    {
        var y = base_layer.call(x);                                  // [..., out], in x's dtype
        // The update runs in the activations' dtype, as torch.autocast would: A and B stay fp32 (the optimizer's master
        // weights) and are cast per call (r x (in + out) values); their gradients come back in fp32. In fp32 nothing
        // is cast. For bf16 activations this keeps the [tokens, in] input and the [tokens, out] update in bf16: no
        // fp32 copy per adapter in the forward pass, none of the gradient in the backward pass, half the saved memory.
        using var a = lora_A.dtype == x.dtype ? lora_A.alias() : lora_A.to(x.dtype);
        using var b = lora_B.dtype == x.dtype ? lora_B.alias() : lora_B.to(x.dtype);
        if (training && Dropout > 0)
        {
            using var keep = DropoutMask.Keep(x.shape, Dropout, DropoutGenerator);  // bool: autograd keeps it at 1 byte an element
            using var dropped = where(keep, x, 0.0);                // not x * keep: bf16 times bool runs ~2x slower, both ways
            using var down = nn.functional.linear(dropped, a);      // [..., r]
            using var up = nn.functional.linear(down, b);           // [..., out]
            // 1 / keep probability (inverted dropout) folded into the scale: no pass over the input for it.
            return y.add_(up, Scale / DropoutMask.KeepProbability(Dropout));  // in place: the base's backward never reads its output
        }
        using (var down = nn.functional.linear(x, a))
        using (var up = nn.functional.linear(down, b))
            return y.add_(up, Scale);
    }

    /// <summary>(alpha / r) B A in fp32, [out, in]: what merging adds to the base weight.</summary>
    public Tensor Delta()
    {
        using var _ = no_grad();
        using var ba = lora_B.matmul(lora_A);
        return ba.mul(Scale);
    }

    /// <summary>The "weight" parameter of a projection module; throws when it has none.</summary>
    public static Parameter WeightOf(nn.Module<Tensor, Tensor> projection)
    {
        foreach (var (name, p) in projection.named_parameters(recurse: false))
            if (name == "weight") return p;
        throw new ArgumentException($"module {projection.GetName()} has no 'weight' parameter, so it cannot carry a LoRA adapter");
    }
}
