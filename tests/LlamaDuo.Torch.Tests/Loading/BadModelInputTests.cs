using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Catalog;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;

namespace LlamaDuo.Torch.Tests.Loading;

[Collection(Stories15MCollection.Name)]
public class BadModelInputTests(Stories15MFixture fixture) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("llamaduo-bad-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Truncated_llama2c_model_names_the_file()
    {
        Assert.NotNull(fixture.Model); // ensures the real files are cached
        var bin = Path.Combine(dir, "stories15M.bin");
        using (var source = File.OpenRead(Stories15M.ModelPath))
        using (var target = File.Create(bin))
        {
            var head = new byte[1 << 20];
            source.ReadExactly(head);
            target.Write(head);
        }
        File.Copy(Stories15M.TokenizerPath, Path.Combine(dir, "tokenizer.bin"));
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(bin));
        Assert.Equal(bin, e.File);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Truncated_tokenizer_names_the_file()
    {
        var tok = Path.Combine(dir, "tokenizer.bin");
        File.WriteAllBytes(tok, File.ReadAllBytes(Stories15M.TokenizerPath)[..5000]);
        var e = Assert.Throws<InputException>(() => Llama2cLoader.Load(Stories15M.ModelPath, tok));
        Assert.Equal(tok, e.File);
    }

    [Theory]
    [InlineData("""{"model_type": "gpt2", "hidden_size": 64}""", "model_type")]
    [InlineData("""{"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10, "rope_scaling": {"rope_type": "yarn", "factor": 4}}""", "rope_scaling.rope_type")]
    [InlineData("""{"model_type": "llama", "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10}""", "intermediate_size")]
    [InlineData("""{"model_type": "llama", "hidden_size": 30, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10}""", "num_attention_heads")]
    [InlineData("""{"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 10, "hidden_act": "gelu"}""", "hidden_act")]
    public void Unsupported_config_names_file_and_field(string json, string field)
    {
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(dir));
        Assert.Equal(path, e.File);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Sliding_window_is_ignored_with_a_note()
    {
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, """{"model_type": "mistral", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 10, "sliding_window": 4096, "eos_token_id": [2, 7]}""");
        var notes = new List<string>();
        var config = LlamaConfigJson.Load(path, notes);
        Assert.Contains(notes, n => n.Contains("sliding_window"));
        Assert.Equal([2, 7], config.EosTokenIds);
        Assert.Equal(2, config.NumKeyValueHeads);
    }

    [Fact]
    public void Missing_weights_name_the_folder()
    {
        File.WriteAllText(Path.Combine(dir, "config.json"), LlamaConfigJson.ToJson(Model.TinyConfigs.Base));
        var e = Assert.Throws<InputException>(() => ModelLoader.Load(dir));
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void Unknown_model_name_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => ModelLoader.Load("no-such-model-xyz"));
        Assert.Equal("model", e.Field);
    }
}
