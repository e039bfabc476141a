namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// Text to token ids and back. Implementations: the llama2.c SentencePiece-style tokenizer and Hugging Face
/// tokenizer.json BPE (byte-level and SentencePiece-with-byte-fallback flavours).
/// </summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, or null when the model has none.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id (the primary stop token).</summary>
    int EosId { get; }

    /// <summary>Encodes text. Special tokens written literally in the text (e.g. "&lt;|im_end|&gt;") map to their ids when <paramref name="parseSpecial"/> is set.</summary>
    IReadOnlyList<int> Encode(string text, bool addBos = false, bool parseSpecial = true);

    /// <summary>Decodes ids to text. Byte-fallback and byte-level pieces are joined into UTF-8 before decoding.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecial = false);

    /// <summary>The raw vocabulary entry of one id (as stored in the tokenizer file), for GGUF export and debugging.</summary>
    string TokenText(int id);

    /// <summary>Looks up a special or added token by its text, e.g. "&lt;|im_end|&gt;".</summary>
    int? SpecialTokenId(string text);
}
