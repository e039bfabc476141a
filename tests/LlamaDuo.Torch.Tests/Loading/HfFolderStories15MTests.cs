using LlamaDuo.Core.Data;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Loading;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Loading;

/// <summary>
/// stories15M written as a Hugging Face folder (our writer's safetensors + its tokenizer.bin as a SentencePiece-BPE
/// tokenizer.json) must load through the HF path (config.json, safetensors, tokenizer.json) and give the golden text.
/// </summary>
[Collection(Stories15MCollection.Name)]
public class HfFolderStories15MTests(Stories15MFixture fixture) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("llamaduo-hf15m-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("float32")]
    [InlineData("bfloat16")]
    public void Stories15M_as_hf_folder_gives_the_golden_text(string storedDtype)
    {
        var dtype = storedDtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        HfFolderWriter.Write(fixture.Model.Module, dir, dtype);
        Llama2cTokenizerJson.Write((LlamaDuo.Models.Tokenizers.Llama2cTokenizer)fixture.Model.Tokenizer, dir);
        Assert.True(File.Exists(Path.Combine(dir, "tokenizer.json")));

        using var model = ModelLoader.Load(dir, dtype);
        Assert.Equal("plain", model.Template.Name);
        Assert.Equal(dtype, model.Module.DType);
        var client = new TorchChatClient(model);
        var result = client.GenerateBatch([[ChatTurn.User("Once upon a time")]], new GenerationOptions { MaxNewTokens = 20 }).Single();
        // bf16 weights round the logits; the first words are robust to that.
        var expected = dtype == ScalarType.Float32 ? ", there was a little girl named Lily. She loved to play" : ", there was a little girl";
        Assert.StartsWith(expected, result.Text);
        Assert.Equal(5, result.PromptTokens);
    }
}
