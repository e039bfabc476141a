using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Lora;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Lora;

public sealed class PeftAdapterTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "llamaduo-peft-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    static readonly LoraSettings Settings = new() { Rank = 4, Alpha = 8, Dropout = 0.05, Targets = ["q_proj", "v_proj", "down_proj"] };

    [Fact]
    public void Save_then_load_gives_the_same_logits()
    {
        using var trained = TinyModels.Create();
        var adapters = LoraModel.Attach(trained, Settings);
        TinyModels.Perturb(adapters.Values.Select(l => l.B), seed: 5);
        trained.eval();
        using var ids = TinyModels.Ids();
        using var expected = trained.forward(ids);
        LoraModel.SaveAdapter(trained, dir, Settings, "tiny-test");

        using var fresh = TinyModels.Create();
        var loaded = LoraModel.LoadAdapter(fresh, dir);
        fresh.eval();
        using var actual = fresh.forward(ids);
        Assert.True(TinyModels.Same(expected, actual));
        Assert.Equal(Settings.Targets, loaded.Targets);
    }

    [Fact]
    public void Files_follow_the_peft_layout()
    {
        using var model = TinyModels.Create();
        LoraModel.Attach(model, Settings);
        LoraModel.SaveAdapter(model, dir, Settings, "tiny-test");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "adapter_config.json")))!;
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)config["task_type"]);
        Assert.Equal(4, (int?)config["r"]);
        Assert.Equal(8.0, (double?)config["lora_alpha"]);
        Assert.Equal("none", (string?)config["bias"]);
        Assert.Equal("tiny-test", (string?)config["base_model_name_or_path"]);
        var tensors = SafetensorsFile.Read(Path.Combine(dir, "adapter_model.safetensors"));
        Assert.Equal(2 * 2 * 3, tensors.Count); // 2 layers x 3 targets x (A, B)
        Assert.Equal([4L, 32L], tensors["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"].shape);
        Assert.Equal([16L, 4L], tensors["base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"].shape); // kv width 2 x 8
        Assert.Equal([4L, 64L], tensors["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"].shape);
    }

    [Fact]
    public void Merged_model_matches_adapter_logits_and_keeps_its_names()
    {
        using var model = TinyModels.Create();
        var names = model.state_dict().Keys.ToList();
        var adapters = LoraModel.Attach(model, Settings);
        TinyModels.Perturb(adapters.Values.Select(l => l.B), seed: 9);
        model.eval();
        using var ids = TinyModels.Ids();
        using var withAdapter = model.forward(ids);
        LoraModel.Merge(model);
        using var merged = model.forward(ids);
        Assert.Empty(LoraModel.Find(model));
        Assert.Equal(names.Order(), model.state_dict().Keys.Order());
        var diff = (merged - withAdapter).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"merged logits differ by {diff}");
    }

    [Fact]
    public void Adapter_for_another_shape_is_bad_input()
    {
        using var model = TinyModels.Create();
        LoraModel.Attach(model, Settings);
        LoraModel.SaveAdapter(model, dir, Settings, "tiny-test");
        var other = new LlamaDuo.Torch.Model.LlamaForCausalLM(TinyModels.Config() with { HiddenSize = 48, NumAttentionHeads = 4 });
        Assert.Throws<InputException>(() => LoraModel.LoadAdapter(other, dir));
    }

    [Fact]
    public void Safetensors_round_trip_keeps_dtypes_and_values()
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "t.safetensors");
        using var f = randn(3, 5);
        using var b = randn(7).to(ScalarType.BFloat16);
        using var i = arange(4L);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["a.f"] = f, ["b.bf"] = b, ["c.i"] = i }, new Dictionary<string, string> { ["format"] = "pt" });
        var read = SafetensorsFile.Read(path);
        Assert.True(TinyModels.Same(read["a.f"], f));
        Assert.Equal(ScalarType.BFloat16, read["b.bf"].dtype);
        Assert.True(TinyModels.Same(read["b.bf"], b));
        Assert.True(TinyModels.Same(read["c.i"], i));
        Assert.Equal("pt", SafetensorsFile.ReadMetadata(path)["format"]);
    }
}
