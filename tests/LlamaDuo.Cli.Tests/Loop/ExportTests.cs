using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Export;
using Microsoft.Extensions.AI;
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

    /// <summary>What the loop's export stage does with `export.quant: q4_k_m`: the config takes the name in any case, the
    /// Ollama folder's model.gguf is llama.cpp's q4_k_m, and the parity gate's engine (llama.cpp on that file) answers.</summary>
    [Fact]
    public async Task Q4_k_m_from_the_config_gives_a_quantized_ollama_model_that_llama_cpp_runs()
    {
        Assert.Equal("Q4_K_M", LlamaDuoConfig.Parse("data:\n  path: x\nexport:\n  quant: Q4_K_M\n").Export.Quant);
        var e = Assert.Throws<InputException>(() => LlamaDuoConfig.Parse("data:\n  path: x\nexport:\n  quant: q4_k\n"));
        Assert.Equal("export.quant", e.Field);
        Assert.Contains("q4_k_m", e.Message);

        using var temp = new RepoPaths.Temp();
        var dir = Path.Combine(temp.Path, "ollama");
        using (var student = ModelExport.LoadMerged("stories15m", null))
            ModelExport.Write(student, "ollama", dir, "Q4_K_M", "stories15m", null);
        var gguf = Path.Combine(dir, "model.gguf");
        Assert.Equal(15u, GgufReader.Read(gguf).Metadata["general.file_type"]);   // llama.cpp's LLAMA_FTYPE_MOSTLY_Q4_K_M
        Assert.Contains("FROM ./model.gguf", File.ReadAllText(Path.Combine(dir, "Modelfile")));
        Assert.Equal(["Modelfile", "model.gguf"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());

        using var client = LlamaCppChatClient.Open(gguf);
        var reply = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 12, Temperature = 0 });
        Assert.StartsWith(Golden, reply.Text);
    }

    [Fact]
    public async Task Cli_exports_q4_k_m_and_lists_the_llama_cpp_quants_for_an_unknown_one()
    {
        using var temp = new RepoPaths.Temp();
        var (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(3),
            "export", "--model", "stories15m", "--quant", "Q4_K_M", "--out", "s.gguf");
        Assert.True(code == 0, output);
        Assert.Contains("q4_k_m", output);
        Assert.Contains("Q5_0", output);                                               // the tensor mix is reported
        Assert.Equal(15u, GgufReader.Read(Path.Combine(temp.Path, "s.gguf")).Metadata["general.file_type"]);
        Assert.Equal(["s.gguf"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));

        (code, output) = await CliProcess.RunAsync(temp.Path, TimeSpan.FromMinutes(1), "export", "--model", "stories15m", "--quant", "q4_k", "--out", "x.gguf");
        Assert.Equal(2, code);
        Assert.Contains("--quant", output);
        Assert.Contains("q4_k_m", output);
    }
}
