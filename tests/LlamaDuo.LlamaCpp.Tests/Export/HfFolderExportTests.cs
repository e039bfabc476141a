using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;
using Microsoft.Extensions.AI;

namespace LlamaDuo.LlamaCpp.Tests.Export;

/// <summary>
/// A Hugging Face folder (tiny random weights written by our HF writer, with a real chat tokenizer and its Jinja chat
/// template beside them) loaded by our loader and exported to GGUF: llama.cpp must render the same chat prompt with the
/// same tokens, and give the same logits as our model on it.
/// </summary>
public sealed class HfFolderExportTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-hfexport-").FullName;

    [Theory]
    [InlineData("tokenizer-qwen3", "qwen2", 151936)] // config vocab larger than the tokenizer, as in real Qwen
    [InlineData("tokenizer-llama3", "llama", 128256)]
    public void A_chat_model_folder_exports_with_its_template_and_the_same_logits(string package, string modelType, int vocab)
    {
        var config = new LlamaConfig
        {
            ModelType = modelType, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, VocabSize = vocab, TieWordEmbeddings = true, AttentionBias = modelType == "qwen2",
            MaxPositionEmbeddings = 256, RopeTheta = 1000000,
        };
        var folder = Path.Combine(_dir, package);
        using (var torch = TorchTiny.Build(TinyLlama.Random(config, seed: 3)))
            HfFolderWriter.Write(torch, folder, copySideFilesFrom: RepoFiles.TokenizerFolder(package));
        using var student = ModelLoader.Load(folder);
        var gguf = Path.Combine(_dir, package + ".gguf");
        StudentModelExport.ToGguf(student, gguf, GgufQuant.F32);

        var file = GgufReader.Read(gguf);
        Assert.Equal(student.Template.Name, file.Metadata[StudentModelExport.TemplateNameKey]);
        Assert.Equal(student.Template.JinjaSource, file.Metadata["tokenizer.chat_template"]);
        Assert.Equal(vocab, ((object[])file.Metadata["tokenizer.ggml.tokens"]).Length);

        using var client = LlamaCppChatClient.Open(gguf);
        ChatMessage[] messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Name a colour.")];
        var prompt = client.RenderPrompt(messages);
        Assert.Equal(student.Template.Name, client.Template.Name);
        var ours = new Torch.Generation.TextGenerator(student).Encode(prompt);
        var theirs = client.Model.Tokenize(prompt, addBos: client.Model.AddsBos && !prompt.StartsWith("<|begin_of_text|>"));
        Assert.Equal(ours, theirs);

        double diff = LogitComparison.MaxAbsDiff(TorchTiny.Logits(student.Module, ours), client.Model.EvaluateLogits(ours));
        Assert.True(diff < 1e-4, $"{package}: max |logit diff| {diff:g3}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
