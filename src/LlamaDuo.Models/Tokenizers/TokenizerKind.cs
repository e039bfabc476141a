namespace LlamaDuo.Models.Tokenizers;

/// <summary>The two BPE flavours of Hugging Face tokenizer.json files (and the GGUF tokenizer model each maps to).</summary>
public enum TokenizerKind
{
    /// <summary>GPT-2 style byte-level BPE with a regex pre-tokenizer (Llama 3, Qwen2/3, SmolLM); GGUF "gpt2".</summary>
    ByteLevelBpe,

    /// <summary>SentencePiece-style BPE over "▁"-joined text with &lt;0xNN&gt; byte fallback (Llama 2, Mistral, Gemma); GGUF "llama".</summary>
    SentencePieceBpe,
}
