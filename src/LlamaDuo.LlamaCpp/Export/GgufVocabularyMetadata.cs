using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>Writes the tokenizer.* keys llama.cpp reads.</summary>
static class GgufVocabularyMetadata
{
    /// <summary>
    /// Adds the vocabulary, padded with unused "[PADn]" tokens up to the embedding's row count (Qwen2's config
    /// vocab_size is larger than its tokenizer, and llama.cpp needs one token per embedding row).
    /// </summary>
    public static void Add(GgufMetadata metadata, GgufVocabulary vocabulary, int modelVocabSize)
    {
        var tokens = vocabulary.Tokens.ToList();
        var types = vocabulary.TokenTypes.Select(t => (int)t).ToList();
        var scores = vocabulary.Scores?.ToList();
        for (int i = tokens.Count; i < modelVocabSize; i++)
        {
            tokens.Add($"[PAD{i}]");
            types.Add((int)TokenKind.Unused);
            scores?.Add(0f);
        }
        metadata.String("tokenizer.ggml.model", vocabulary.Model);
        metadata.String("tokenizer.ggml.pre", vocabulary.Pre ?? "default");
        metadata.Strings("tokenizer.ggml.tokens", tokens);
        if (scores is not null) metadata.Float32s("tokenizer.ggml.scores", scores);
        metadata.Int32s("tokenizer.ggml.token_type", types);
        if (vocabulary.Merges is not null) metadata.Strings("tokenizer.ggml.merges", vocabulary.Merges);
        if (vocabulary.BosId is { } bos) metadata.UInt32("tokenizer.ggml.bos_token_id", (uint)bos);
        metadata.UInt32("tokenizer.ggml.eos_token_id", (uint)vocabulary.EosId);
        if (vocabulary.EndOfTurnId is { } eot) metadata.UInt32("tokenizer.ggml.eot_token_id", (uint)eot);
        if (vocabulary.UnknownId is { } unk) metadata.UInt32("tokenizer.ggml.unknown_token_id", (uint)unk);
        if (vocabulary.PaddingId is { } pad) metadata.UInt32("tokenizer.ggml.padding_token_id", (uint)pad);
        metadata.Bool("tokenizer.ggml.add_bos_token", vocabulary.AddBos);
        metadata.Bool("tokenizer.ggml.add_eos_token", false);
        if (vocabulary.ChatTemplate is not null) metadata.String("tokenizer.chat_template", vocabulary.ChatTemplate);
    }
}
