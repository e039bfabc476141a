using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>
/// The tokenizer as GGUF stores it. <see cref="Model"/> is "llama" for SentencePiece vocabularies (tokens with
/// "▁" for spaces, <see cref="Scores"/>, byte tokens "&lt;0xNN&gt;") or "gpt2" for byte-level BPE (tokens in the
/// byte-to-unicode alphabet, <see cref="Merges"/>, and a <see cref="Pre"/>-tokenizer name llama.cpp knows, such as
/// "llama-bpe", "qwen2", "smollm" or "default").
/// </summary>
internal sealed record GgufVocabulary
{
    public required string Model { get; init; }
    public required IReadOnlyList<string> Tokens { get; init; }
    /// <summary>Per-token type; <see cref="TokenKind"/> numbers are llama.cpp's tokenizer.ggml.token_type values.</summary>
    public required IReadOnlyList<TokenKind> TokenTypes { get; init; }
    public IReadOnlyList<float>? Scores { get; init; }
    public IReadOnlyList<string>? Merges { get; init; }
    public string? Pre { get; init; }
    public int? BosId { get; init; }
    public required int EosId { get; init; }
    public int? UnknownId { get; init; }
    /// <summary>
    /// A second token that ends a reply (tokenizer.ggml.eot_token_id; llama.cpp stops on it as on EOS). llama2.c
    /// models end stories with BOS, so a fine-tuned stories15M ends its replies with BOS.
    /// </summary>
    public int? EndOfTurnId { get; init; }
    public int? PaddingId { get; init; }
    public bool AddBos { get; init; }
    /// <summary>Jinja source of the chat template (tokenizer.chat_template), or null for a base model.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Throws when the parts disagree with each other or with the model's vocabulary size.</summary>
    public void Validate(int modelVocabSize)
    {
        if (Model is not ("llama" or "gpt2")) throw new ArgumentException($"tokenizer model '{Model}' is not 'llama' or 'gpt2'.");
        if (TokenTypes.Count != Tokens.Count) throw new ArgumentException("token types and tokens differ in count.");
        if (Scores is not null && Scores.Count != Tokens.Count) throw new ArgumentException("scores and tokens differ in count.");
        if (Model == "gpt2" && Merges is null) throw new ArgumentException("a gpt2 (byte-level BPE) vocabulary needs merges.");
        if (Tokens.Count > modelVocabSize)
            throw new ArgumentException($"the tokenizer has {Tokens.Count} tokens but the model's embedding has only {modelVocabSize} rows.");
    }
}
