using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Lora;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Lora;

public class LoraLinearTests
{
    [Fact]
    public void Fresh_adapter_reproduces_base_logits_exactly()
    {
        using var model = TinyModels.Create();
        using var ids = TinyModels.Ids();
        using var before = model.forward(ids);
        LoraModel.Attach(model, new LoraSettings { Rank = 4, Alpha = 8, Targets = LoraSettings.AllTargets });
        model.eval();
        using var after = model.forward(ids);
        Assert.True(TinyModels.Same(before, after), "B = 0 must leave the logits bitwise unchanged");
    }

    [Fact]
    public void Update_is_alpha_over_rank_times_B_ax()
    {
        using var linear = nn.Linear(6, 5, hasBias: true);
        var lora = new LoraLinear(linear, rank: 2, alpha: 6, dropout: 0);
        TinyModels.Perturb([lora.B], seed: 1);
        lora.eval();
        using var x = randn(3, 6);
        using var y = lora.forward(x);
        using var expected = linear.forward(x) + x.matmul(lora.A.t()).matmul(lora.B.t()) * 3.0;
        Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void One_optimiser_step_changes_only_adapter_weights()
    {
        using var model = TinyModels.Create();
        var baseBefore = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var adapters = LoraModel.Attach(model, new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0.1 });
        model.train();
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        Assert.Equal(adapters.Count * 2, trainable.Count);
        var adapterBefore = adapters.Values.SelectMany(l => new[] { l.A.clone(), l.B.clone() }).ToList();
        using var opt = optim.AdamW(trainable, lr: 1e-2);
        using var ids = TinyModels.Ids();
        using var logits = model.forward(ids);
        using var loss = nn.functional.cross_entropy(logits.view(-1, 61), ids.view(-1));
        loss.backward();
        opt.step();

        var after = model.state_dict();
        foreach (var (name, tensor) in baseBefore)
        {
            var key = after.ContainsKey(name) ? name : name.Replace(".weight", ".base_layer.weight").Replace(".bias", ".base_layer.bias");
            Assert.True(TinyModels.Same(tensor, after[key]), $"base parameter {name} changed");
        }
        var adapterAfter = adapters.Values.SelectMany(l => new[] { l.A, l.B }).ToList();
        Assert.Contains(adapterBefore.Zip(adapterAfter), pair => !TinyModels.Same(pair.First, pair.Second));
        Assert.All(adapters.Values, l => Assert.True(l.B.abs().sum().item<float>() > 0, "every B should have moved off zero"));
    }

    [Fact]
    public void Rank_larger_than_the_layer_is_bad_input()
    {
        using var model = TinyModels.Create();
        var e = Assert.Throws<InputException>(() => LoraModel.Attach(model, new LoraSettings { Rank = 33 }));
        Assert.Equal("rank", e.Field);
    }

    [Fact]
    public void Bf16_base_stays_close_to_fp32_and_keeps_adapters_fp32()
    {
        using var model = TinyModels.Create();
        using var ids = TinyModels.Ids();
        using var reference = model.forward(ids);
        var adapters = LoraModel.Attach(model, new LoraSettings { Rank = 4 }, ScalarType.BFloat16);
        model.eval();
        using var low = model.forward(ids);
        Assert.Equal(ScalarType.Float32, low.dtype);
        Assert.All(adapters.Values, l => Assert.Equal(ScalarType.Float32, l.A.dtype));
        Assert.Equal(ScalarType.BFloat16, LoraLinear.WeightOf(adapters.Values.First().BaseLayer).dtype);
        var maxDiff = (low - reference).abs().max().item<float>();
        Assert.True(maxDiff < 0.02, $"bf16 base drifted {maxDiff} from fp32");
    }
}
