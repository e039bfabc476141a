using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Models.Model;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.LlamaCpp.Tests.Export;

/// <summary>
/// Real Hugging Face tokenizers (Llama 3 and Qwen3 byte-level BPE, a Llama-2-family SentencePiece file) exported
/// into GGUF beside tiny random weights: llama.cpp's own tokenizer, reading only our metadata, must split text
/// exactly as our tokenizer does. This checks tokens, token types, merges and the pre-tokenizer name.
/// </summary>
public sealed class RealVocabularyExportTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-vocab-").FullName;

    static readonly string[] Texts =
    [
        "Hello world! How are you today?",
        "  leading spaces, tabs\tand\nnew lines\n\n",
        "Numbers 1234567 and 3.14159, dates 2024-05-01.",
        "Unicode: café, naïve, 日本語のテキスト, emoji 🦙🚀",
        "code: for (int i = 0; i < n; i++) { x += y[i]; }",
        "<|im_start|>user\nHi<|im_end|>",
    ];

    [Theory]
    [InlineData("tokenizer-llama3", "llama")]
    [InlineData("tokenizer-qwen3", "qwen2")]
    [InlineData("tokenizer-llama2", "llama")]
    public void Llama_cpp_tokenizes_like_our_tokenizer_from_the_exported_vocabulary(string package, string modelType)
    {
        var tokenizer = HfTokenizer.Load(RepoFiles.TokenizerFolder(package));
        var config = new LlamaConfig
        {
            ModelType = modelType, HiddenSize = 32, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2,
            NumKeyValueHeads = 2, VocabSize = tokenizer.VocabSize, TieWordEmbeddings = true, AttentionBias = modelType == "qwen2",
        };
        var model = TinyLlama.Random(config, seed: 1);
        var vocabulary = TokenizerVocabulary.FromHf(tokenizer, config);
        var path = Path.Combine(_dir, package + ".gguf");
        LlamaGgufConverter.Export(path, config, package, vocabulary, model.NamedWeights, GgufQuant.F16);

        using var llama = LlamaCppModel.Load(path);
        Assert.Equal(tokenizer.VocabSize, llama.VocabSize);
        foreach (var text in Texts)
            Assert.True(tokenizer.Encode(text).SequenceEqual(llama.Tokenize(text, addBos: false)),
                $"{package}: {text}\n ours  {string.Join(",", tokenizer.Encode(text))}\n llama {string.Join(",", llama.Tokenize(text, addBos: false))}");
        // Qwen has no BOS; llama.cpp then reports a default id, which it never adds because add_bos_token is false.
        if (tokenizer.BosId is not null) Assert.Equal(tokenizer.BosId, llama.BosId);
        Assert.Equal(tokenizer.EosId, llama.EosId);
        Assert.Equal(tokenizer.AddBos, llama.AddsBos);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
