namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// Cuts text into stretches of plain text and added tokens, taking the longest added token at each position.
/// Special tokens are only matched when the caller asks to parse them; lstrip/rstrip tokens swallow the whitespace
/// next to them, as Hugging Face tokenizers do.
/// </summary>
internal sealed class AddedTokenSplitter
{
    readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    /// <summary>A piece of the text: either an added token or a stretch of text starting at <c>Offset</c>.</summary>
    public readonly record struct Piece(AddedToken? Token, string Text, int Offset);

    public List<Piece> Split(string text, bool parseSpecial)
    {
        var pieces = new List<Piece>();
        int textStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            var token = MatchAt(text, i, parseSpecial);
            if (token is null)
            {
                i++;
                continue;
            }
            int before = i;
            if (token.LStrip) while (before > textStart && char.IsWhiteSpace(text[before - 1])) before--;
            if (before > textStart) pieces.Add(new Piece(null, text[textStart..before], textStart));
            pieces.Add(new Piece(token, token.Content, i));
            i += token.Content.Length;
            if (token.RStrip) while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            textStart = i;
        }
        if (textStart < text.Length) pieces.Add(new Piece(null, text[textStart..], textStart));
        return pieces;
    }

    AddedToken? MatchAt(string text, int i, bool parseSpecial)
    {
        if (!_byFirstChar.TryGetValue(text[i], out var candidates)) return null;
        foreach (var t in candidates)
        {
            if (t.Special && !parseSpecial) continue;
            if (string.CompareOrdinal(text, i, t.Content, 0, t.Content.Length) == 0) return t;
        }
        return null;
    }
}
