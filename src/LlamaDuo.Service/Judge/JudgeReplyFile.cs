using System.Text.Json;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// A judge log: one JSON object per line, the judge's reply in a string field (null counts as an empty reply).
/// Read whole before anything is parsed, so a bad line stops the command before a single result is printed.
/// Blank lines are skipped but counted, so line numbers match an editor's.
/// </summary>
public static class JudgeReplyFile
{
    /// <summary>(line number, reply) per non-blank line; bad input throws naming file, line, field and value.</summary>
    public static IReadOnlyList<(int Line, string? Reply)> Read(string path, string field)
    {
        if (!File.Exists(path)) throw new InputException("file not found", file: path);
        var replies = new List<(int, string?)>();
        int number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (text.Trim().Length == 0) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException e)
            {
                throw new InputException($"not a JSON line ({e.Message}); the file must be JSONL, one object per line",
                    file: path, line: number, value: text);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InputException("each line must be a JSON object", file: path, line: number, value: text);
                if (!doc.RootElement.TryGetProperty(field, out var value))
                    throw new InputException($"no field \"{field}\" (name the reply's field with --field)", file: path, line: number, field: field, value: text);
                replies.Add(value.ValueKind switch
                {
                    JsonValueKind.String => (number, value.GetString()),
                    JsonValueKind.Null => (number, null),
                    _ => throw new InputException("the reply must be a string", file: path, line: number, field: field, value: value.GetRawText()),
                });
            }
        }
        return replies;
    }
}
