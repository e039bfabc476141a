using System.Text.Json;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Finds the first balanced JSON object or array in free text (inside ``` fences or surrounded by prose) and parses
/// it tolerating trailing commas and comments. Language models wrap JSON in all of these; strict parsing of the whole
/// reply would throw away good answers.
/// </summary>
public static class LenientJson
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
        char close = open == '{' ? '}' : ']';
        for (int start = text.IndexOf(open); start >= 0; start = text.IndexOf(open, start + 1))
        {
            int end = MatchingClose(text, start, open, close);
            if (end < 0) continue;
            try { return JsonDocument.Parse(text.AsMemory(start, end - start + 1), Options); }
            catch (JsonException) { }
        }
        return null;
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
