using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Model;

public class ReferenceParityTests
{
    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Logits_match_a_plain_fp64_reference(string name)
    {
        // Long enough that llama3 scaling's three frequency bands (original context 16 in the tiny config) matter.
        var config = TinyConfigs.Get(name) with { NumHiddenLayers = 2 };
        using var _ = no_grad();
        using var model = new LlamaForCausalLM(config);
        model.InitRandom(5);
        // Bigger weights than N(0, 0.02) so attention patterns and RoPE angles visibly affect the logits.
        foreach (var (_, p) in model.named_parameters()) if (p.dim() == 2) p.mul_(10);
        long[] ids = [1, 17, 42, 5, 88, 23, 61, 9, 30, 77, 3, 50, 14, 95, 2, 66, 40, 12, 81, 7];

        var expected = new NaiveLlama(model).Logits(ids);
        using var logits = model.forward(tensor(ids).view(1, -1))[0].to(ScalarType.Float64); // [T, V]
        var actual = logits.data<double>().ToArray();
        var maxDiff = 0.0;
        for (var t = 0; t < ids.Length; t++)
            for (var v = 0; v < config.VocabSize; v++)
                maxDiff = Math.Max(maxDiff, Math.Abs(expected[t][v] - actual[t * config.VocabSize + v]));
        var scale = expected.SelectMany(r => r).Max(Math.Abs);
        Assert.True(maxDiff < 1e-4 * Math.Max(1, scale), $"{name}: max |diff| {maxDiff} (logit scale {scale})");
    }

    [Fact]
    public void Llama3_scaling_changes_the_output()
    {
        using var _ = no_grad();
        var config = TinyConfigs.Get("llama3-scaling");
        using var scaled = new LlamaForCausalLM(config);
        scaled.InitRandom(5);
        using var plain = new LlamaForCausalLM(config with { RopeScaling = null });
        plain.load_state_dict(scaled.state_dict());
        foreach (var m in new[] { scaled, plain }) foreach (var (_, p) in m.named_parameters()) if (p.dim() == 2) p.mul_(10);
        using var ids = tensor(new long[] { 1, 17, 42, 5, 88, 23, 61, 9, 30, 77 }).view(1, -1);
        using var a = scaled.forward(ids);
        using var b = plain.forward(ids);
        Assert.True((a - b).abs().max().item<float>() > 1e-3f, "rope scaling had no effect: the test configs would not catch a bug in it");
    }
}
