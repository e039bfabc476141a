namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// An entry of tokenizer.json's added_tokens: matched literally in the text before BPE runs. Special ones are the
/// control tokens (BOS, EOS, turn markers); <see cref="LStrip"/>/<see cref="RStrip"/> swallow neighbouring whitespace.
/// </summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool LStrip = false, bool RStrip = false);
