using System.Text.Json;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Finds balanced JSON objects or arrays in free text (inside ``` fences or surrounded by prose) and parses them
/// tolerating trailing commas and comments. Language models wrap JSON in all of these; strict parsing of the whole
/// reply would throw away good answers. The leniency is in syntax only: what the values mean is the caller's business.
/// </summary>
internal static class LenientJson
{
    static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <summary>
    /// The first candidate that starts with <paramref name="open"/> ('{' or '[') and parses; null when none does.
    /// Candidates are tried left to right, so prose like "[note]" before the real JSON is skipped.
    /// </summary>
    public static JsonDocument? FirstParsable(string text, char open)
    {
        foreach (var doc in AllParsable(text, open)) return doc;
        return null;
    }

    /// <summary>
    /// Every outermost candidate that starts with <paramref name="open"/> and parses, left to right; the caller
    /// disposes each. A candidate that parses is not searched inside (its inner objects are its own values); one
    /// that does not parse is skipped by one character, so "{not json} {..}" still yields the second object.
    /// </summary>
    public static IEnumerable<JsonDocument> AllParsable(string text, char open)
    {
        char close = open == '{' ? '}' : ']';
        int start = text.IndexOf(open);
        while (start >= 0)
        {
            int end = MatchingClose(text, start, open, close);
            JsonDocument? doc = null;
            if (end >= 0)
            {
                try { doc = JsonDocument.Parse(text.AsMemory(start, end - start + 1), Options); }
                catch (JsonException) { }
            }
            if (doc is not null)
            {
                yield return doc;
                start = text.IndexOf(open, end + 1);
            }
            else start = text.IndexOf(open, start + 1);
        }
    }

    /// <summary>Index of the bracket that closes the one at <paramref name="start"/>, skipping string contents.</summary>
    static int MatchingClose(string text, int start, char open, char close)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < text.Length; i++)
        {
            char ch = text[i];
            if (inString)
            {
                if (ch == '\\') i++;
                else if (ch == '"') inString = false;
                continue;
            }
            if (ch == '"') inString = true;
            else if (ch == open) depth++;
            else if (ch == close && --depth == 0) return i;
        }
        return -1;
    }
}
