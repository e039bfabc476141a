using LlamaDuo.Models.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LlamaDuo.Torch.Model;

/// <summary>SwiGLU feed-forward: down_proj(silu(gate_proj(x)) * up_proj(x)).</summary>
public sealed class LlamaMlp : Module<Tensor, Tensor>
{
    // Declared as Module<Tensor, Tensor> (not Linear) so LoRA can swap a wrapper in; see ReplaceProjection.
    private Module<Tensor, Tensor> gate_proj;
    private Module<Tensor, Tensor> up_proj;
    private Module<Tensor, Tensor> down_proj;

    /// <summary>Projection names in this block, as in Hugging Face checkpoints.</summary>
    public static readonly IReadOnlyList<string> ProjectionNames = ["gate_proj", "up_proj", "down_proj"];

    public LlamaMlp(LlamaConfig c) : base(nameof(LlamaMlp))
    {
        gate_proj = Linear(c.HiddenSize, c.IntermediateSize, hasBias: false);
        up_proj = Linear(c.HiddenSize, c.IntermediateSize, hasBias: false);
        down_proj = Linear(c.IntermediateSize, c.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var gate = gate_proj.forward(x);                    // [B, T, I]
        using var act = functional.silu(gate);                    // [B, T, I]
        using var up = up_proj.forward(x);                        // [B, T, I]
        using var h = act.mul_(up);                               // [B, T, I]
        return down_proj.forward(h);                              // [B, T, C]
    }

    /// <summary>The projection called <paramref name="name"/> (gate_proj, up_proj or down_proj).</summary>
    public Module<Tensor, Tensor> Projection(string name) => name switch
    {
        "gate_proj" => gate_proj,
        "up_proj" => up_proj,
        "down_proj" => down_proj,
        _ => throw new ArgumentException($"no projection '{name}' in the MLP; expected one of {string.Join(", ", ProjectionNames)}", nameof(name)),
    };

    /// <summary>
    /// Replaces a projection with <paramref name="wrap"/>(current), e.g. a LoRA wrapper around the frozen Linear.
    /// The replacement is registered under the same name, so its parameters appear as "mlp.{name}.*".
    /// </summary>
    public void ReplaceProjection(string name, Func<Module<Tensor, Tensor>, Module<Tensor, Tensor>> wrap)
    {
        var replacement = wrap(Projection(name));
        register_module(name, null!); // unregister the old module under this name
        register_module(name, replacement);
        switch (name)
        {
            case "gate_proj": gate_proj = replacement; break;
            case "up_proj": up_proj = replacement; break;
            default: down_proj = replacement; break;
        }
    }
}
