using LlamaDuo.Core.Data;
using LlamaDuo.Pipeline.Export;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Loading;

namespace LlamaDuo.Cli.Tests.Loop;

/// <summary>`llamaduo export` formats: a merged Hugging Face folder that loads back with its template, an Ollama folder, and clear refusals.</summary>
public class ExportTests
{
    const string Golden = ", there was a little girl named Lily.";

    [Fact]
    public void Safetensors_export_of_stories15m_loads_back_with_tokenizer_and_template()
    {
        using var temp = new RepoPaths.Temp();
        var dir = Path.Combine(temp.Path, "hf");
        IReadOnlyList<int> student0StopIds;
        using (var student = ModelExport.LoadMerged("stories15m", null))
        {
            student0StopIds = student.StopTokenIds;
            ModelExport.Write(student, "safetensors", dir, "f16", "stories15m", null);
        }
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        Assert.Contains("chat_template", File.ReadAllText(Path.Combine(dir, "tokenizer_config.json")));

        using var loaded = ModelLoader.Load(dir);
        Assert.Equal("plain", loaded.Template.Name);
        using var client = new TorchChatClient(loaded);
        var text = client.GenerateBatch([[ChatTurn.User("Once upon a time")]], new GenerationOptions { MaxNewTokens = 12 })[0].Text;
        Assert.StartsWith(Golden, text);
        Assert.Equal(student0StopIds, loaded.StopTokenIds);
    }

    [Fact]
    public async Task Cli_exports_an_ollama_folder_and_refuses_bad_requests()
    {
        using var temp = new RepoPaths.Temp();
        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(3),
            "export", "--model", "stories15m", "--format", "ollama", "--quant", "q8_0", "--out", "ollama");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(temp.Path, "ollama", "model.gguf")));
        Assert.Contains("FROM ./model.gguf", File.ReadAllText(Path.Combine(temp.Path, "ollama", "Modelfile")));

        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "export", "--model", "stories15m", "--format", "peft", "--out", "p");
        Assert.Equal(2, code);
        Assert.Contains("--adapter", output);
        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "export", "--model", "stories15m", "--quant", "q4", "--out", "x.gguf");
        Assert.Equal(2, code);
        Assert.Contains("q4", output);
        Assert.False(File.Exists(Path.Combine(temp.Path, "x.gguf")));
    }
}
