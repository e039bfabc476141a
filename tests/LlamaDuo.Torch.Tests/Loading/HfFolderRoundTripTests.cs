using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Model;
using LlamaDuo.Torch.Tests.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Loading;

public class HfFolderRoundTripTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("llamaduo-hf-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Written_folder_loads_back_with_identical_logits(string name)
    {
        var config = TinyConfigs.Get(name);
        using var _ = no_grad();
        using var original = new LlamaForCausalLM(config);
        original.InitRandom(seed: 7);
        HfFolderWriter.Write(original, dir);

        var reloadedConfig = LlamaConfigJson.Load(Path.Combine(dir, "config.json"));
        Assert.Equal(config with { EosTokenIds = [] }, reloadedConfig with { EosTokenIds = [] });
        Assert.Equal(config.EosTokenIds, reloadedConfig.EosTokenIds);
        using var reloaded = HfFolderLoader.LoadWeights(dir, reloadedConfig);

        using var ids = tensor(new long[] { 1, 5, 9, 33, 60, 2, 96, 4 }).view(2, 4);
        using var a = original.forward(ids);   // [2, 4, V]
        using var b = reloaded.forward(ids);   // [2, 4, V]
        Assert.True(a.eq(b).all().item<bool>(), $"{name}: logits changed after the round trip");
        Assert.True(a.abs().max().item<float>() > 0.01f, "random model gave near-zero logits; the test would be vacuous");
    }

    [Fact]
    public void Sharded_checkpoint_loads_through_its_index()
    {
        var config = TinyConfigs.Get("gqa");
        using var _ = no_grad();
        using var original = new LlamaForCausalLM(config);
        original.InitRandom(9);
        HfFolderWriter.Write(original, dir);
        File.Delete(Path.Combine(dir, "model.safetensors"));
        // Two shards split by layer, as transformers writes them, plus the index naming each tensor's shard.
        var state = original.state_dict();
        var map = new System.Text.Json.Nodes.JsonObject();
        foreach (var (shard, keys) in state.Keys.GroupBy(k => k.Contains("layers.1.") ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors").Select(g => (g.Key, g.ToList())))
        {
            TorchSharp.PyBridge.Safetensors.SaveStateDict(Path.Combine(dir, shard), keys.ToDictionary(k => k, k => state[k]));
            foreach (var k in keys) map[k] = shard;
        }
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["weight_map"] = map }.ToJsonString());

        Assert.Equal(2, HfFolderLoader.WeightFiles(dir).Count);
        using var reloaded = HfFolderLoader.LoadWeights(dir, config);
        using var ids = tensor(new long[] { 1, 5, 9, 33 }).view(1, 4);
        Assert.True(original.forward(ids).eq(reloaded.forward(ids)).all().item<bool>());

        File.Delete(Path.Combine(dir, "model-00002-of-00002.safetensors"));
        var e = Assert.Throws<LlamaDuo.Core.Errors.InputException>(() => HfFolderLoader.LoadWeights(dir, config));
        Assert.EndsWith("model-00002-of-00002.safetensors", e.File);
    }

    [Fact]
    public void State_dict_keys_are_hugging_face_names()
    {
        using var model = new LlamaForCausalLM(TinyConfigs.Get("qwen2-bias-theta"));
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.embed_tokens.weight", keys);
        Assert.Contains("model.layers.1.self_attn.q_proj.bias", keys);
        Assert.Contains("model.layers.1.self_attn.v_proj.bias", keys);
        Assert.DoesNotContain("model.layers.1.self_attn.o_proj.bias", keys);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", keys);
        Assert.Contains("model.layers.0.post_attention_layernorm.weight", keys);
        Assert.Contains("model.norm.weight", keys);
        Assert.DoesNotContain("lm_head.weight", keys); // tied
        Assert.Equal(2 + 2 * (7 + 3 + 2), keys.Count); // embed + norm; per layer q/k/v weight+bias, o, 3 MLP, 2 norms
        foreach (var (name, config) in TinyConfigs.Named())
        {
            using var m = new LlamaForCausalLM(config);
            Assert.Equal(m.state_dict().Keys.Order(), LlamaForCausalLM.ParameterNames(config).Order());
        }
    }
}
