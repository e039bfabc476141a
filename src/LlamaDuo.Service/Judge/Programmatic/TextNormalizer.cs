using System.Text;

namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>
/// The one text normalisation shared by the programmatic judges and dedup: lower case, letters and digits kept,
/// everything else a word break. Unicode-aware (char.IsLetterOrDigit), so "Café!" gives ["café"].
/// </summary>
public static class TextNormalizer
{
    static readonly HashSet<string> Articles = ["a", "an", "the"];

    /// <summary>The words of <paramref name="text"/>, lower-cased, punctuation dropped.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (char ch in text)
        {
            if (char.IsLetterOrDigit(ch)) current.Append(char.ToLowerInvariant(ch));
            else if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }

    /// <summary>Words joined by single spaces: the key for exact-duplicate hashing.</summary>
    public static string Normalize(string text) => string.Join(' ', Words(text));

    /// <summary>Normalised for answer matching: as <see cref="Normalize"/> and without English articles.</summary>
    public static string NormalizeAnswer(string text) => string.Join(' ', Words(text).Where(w => !Articles.Contains(w)));
}
