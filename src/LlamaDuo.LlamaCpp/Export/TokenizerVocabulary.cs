using LlamaDuo.Models.Model;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>Builds the GGUF view of our tokenizers: llama2.c's tokenizer.bin and Hugging Face tokenizer.json.</summary>
internal static class TokenizerVocabulary
{
    /// <summary>
    /// The vocabulary of <paramref name="tokenizer"/> with <paramref name="template"/>'s Jinja source as
    /// tokenizer.chat_template. Unsupported tokenizer types are an error.
    /// </summary>
    public static GgufVocabulary From(ITokenizer tokenizer, LlamaConfig config, IChatTemplate template) => tokenizer switch
    {
        Llama2cTokenizer t => FromLlama2c(t) with { ChatTemplate = template.JinjaSource },
        HfTokenizer t => FromHf(t, config) with { ChatTemplate = template.JinjaSource },
        _ => throw new NotSupportedException($"GGUF export does not know tokenizer type {tokenizer.GetType().Name}."),
    };

    /// <summary>
    /// llama2.c: a SentencePiece vocabulary ("llama") whose ids 3..258 are byte fallbacks (exported as
    /// &lt;0xNN&gt; with type BYTE) and whose scores are the merge priorities.
    /// </summary>
    public static GgufVocabulary FromLlama2c(Llama2cTokenizer tokenizer)
    {
        int n = tokenizer.VocabSize;
        return new GgufVocabulary
        {
            Model = "llama",
            Pre = "default",
            Tokens = Enumerable.Range(0, n).Select(tokenizer.TokenText).ToList(),
            Scores = Enumerable.Range(0, n).Select(tokenizer.Score).ToList(),
            TokenTypes = Enumerable.Range(0, n).Select(id => id switch
            {
                0 => TokenKind.Unknown,
                1 or 2 => TokenKind.Control,
                _ when Llama2cTokenizer.IsByteToken(id) => TokenKind.Byte,
                _ => TokenKind.Normal,
            }).ToList(),
            BosId = 1,
            EosId = 2,
            UnknownId = 0,
            AddBos = true,
        };
    }

    /// <summary>Hugging Face tokenizer.json: byte-level BPE becomes "gpt2" with merges; SentencePiece-BPE becomes "llama".</summary>
    public static GgufVocabulary FromHf(HfTokenizer tokenizer, LlamaConfig config)
    {
        bool byteLevel = tokenizer.Kind == TokenizerKind.ByteLevelBpe;
        return new GgufVocabulary
        {
            Model = byteLevel ? "gpt2" : "llama",
            Pre = byteLevel ? PreTokenizerName(config, tokenizer) : "default",
            Tokens = tokenizer.Tokens,
            TokenTypes = tokenizer.TokenKinds,
            Scores = tokenizer.Scores,
            Merges = byteLevel ? tokenizer.Merges : null,
            BosId = tokenizer.BosId,
            EosId = tokenizer.EosId,
            UnknownId = tokenizer.UnkId,
            PaddingId = tokenizer.PadId,
            AddBos = tokenizer.AddBos,
        };
    }

    /// <summary>
    /// llama.cpp picks its pre-tokenizer regex by name. Qwen2 models use "qwen2"; Llama 3's 128k vocabulary
    /// "llama-bpe"; SmolLM's 49152-token vocabulary "smollm"; anything else the GPT-2 default.
    /// </summary>
    static string PreTokenizerName(LlamaConfig config, HfTokenizer tokenizer)
    {
        if (config.ModelType == "qwen2") return "qwen2";
        if (tokenizer.VocabSize >= 128000 && tokenizer.SpecialTokenId("<|begin_of_text|>") is not null) return "llama-bpe";
        if (tokenizer.VocabSize == 49152) return "smollm";
        return "default";
    }
}
