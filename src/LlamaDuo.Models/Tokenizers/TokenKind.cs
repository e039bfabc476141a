namespace LlamaDuo.Models.Tokenizers;

/// <summary>What a vocabulary entry is; the numeric values are llama.cpp's GGUF token types.</summary>
public enum TokenKind
{
    /// <summary>An ordinary piece produced by BPE.</summary>
    Normal = 1,

    /// <summary>The unknown-token placeholder.</summary>
    Unknown = 2,

    /// <summary>A special token (BOS, EOS, turn markers): never produced from plain text unless parsed as special.</summary>
    Control = 3,

    /// <summary>An added token that is not special: always matched literally in the text.</summary>
    UserDefined = 4,

    /// <summary>An id with no entry (a hole in the vocabulary).</summary>
    Unused = 5,

    /// <summary>A byte-fallback token such as &lt;0x0A&gt;.</summary>
    Byte = 6,
}
