using LlamaDuo.Torch.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LlamaDuo.Torch.Tests.Model;

public class ReplaceProjectionTests
{
    /// <summary>A wrapper that adds a learnable scalar times the input's projection (stands in for LoRA).</summary>
    private sealed class Scaled : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> inner;
        private readonly TorchSharp.Modules.Parameter scale;

        public Scaled(Module<Tensor, Tensor> inner, float s) : base(nameof(Scaled))
        {
            this.inner = inner;
            scale = Parameter(tensor(s));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => inner.forward(x) * scale;
    }

    [Fact]
    public void Wrappers_replace_named_projections_and_change_the_output()
    {
        using var _ = no_grad();
        using var model = new LlamaForCausalLM(TinyConfigs.Get("gqa"));
        model.InitRandom(3);
        using var ids = tensor(new long[] { 1, 4, 8, 15 }).view(1, 4);
        using var before = model.forward(ids);

        var paths = new List<string>();
        model.ReplaceProjections(["q_proj", "v_proj", "down_proj"], (path, m) => { paths.Add(path); return new Scaled(m, 1f); });
        Assert.Equal(6, paths.Count);
        Assert.Contains("model.layers.1.mlp.down_proj", paths);
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.inner.weight", keys);
        Assert.Contains("model.layers.0.self_attn.q_proj.scale", keys);
        Assert.DoesNotContain("model.layers.0.self_attn.q_proj.weight", keys);

        using var same = model.forward(ids); // scale 1: identical to the base
        Assert.True((same - before).abs().max().item<float>() < 1e-6f);

        model.Layers[0].Mlp.ReplaceProjection("up_proj", m => new Scaled(m, 0f)); // kills layer 0's MLP
        using var changed = model.forward(ids);
        Assert.True((changed - before).abs().max().item<float>() > 1e-4f);
    }

    [Fact]
    public void Unknown_projection_name_is_rejected()
    {
        using var model = new LlamaForCausalLM(TinyConfigs.Base);
        Assert.Throws<ArgumentException>(() => model.ReplaceProjections(["qkv_proj"], (_, m) => m));
    }
}
