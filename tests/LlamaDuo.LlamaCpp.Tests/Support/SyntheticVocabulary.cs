using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>SentencePiece-shaped vocabularies of any size for random models: unk/bos/eos, 256 byte tokens, then pieces.</summary>
static class SyntheticVocabulary
{
    public static GgufVocabulary Llama(int size, string? chatTemplate = null)
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<TokenKind> { TokenKind.Unknown, TokenKind.Control, TokenKind.Control };
        for (int b = 0; b < 256; b++) { tokens.Add($"<0x{b:X2}>"); types.Add(TokenKind.Byte); }
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; tokens.Count < size; i++)
        {
            tokens.Add(i < 26 ? "▁" + letters[i] : "▁" + letters[i % 26] + letters[i / 26 % 26] + (i / 676 > 0 ? (i / 676).ToString() : ""));
            types.Add(TokenKind.Normal);
        }
        return new GgufVocabulary
        {
            Model = "llama",
            Tokens = tokens,
            TokenTypes = types,
            Scores = tokens.Select((_, i) => -(float)i).ToList(),
            BosId = 1,
            EosId = 2,
            UnknownId = 0,
            AddBos = true,
            ChatTemplate = chatTemplate,
        };
    }
}
