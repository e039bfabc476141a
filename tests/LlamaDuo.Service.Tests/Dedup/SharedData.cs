using System.Text.Json;
using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Tests.Dedup;

/// <summary>Reads the real datasets under /work/shared/data (no_robots and LlamaDuo's synthetic parts) as ChatExamples.</summary>
static class SharedData
{
    public const string Root = "/work/shared/data";

    public static bool Available => Directory.Exists(Root);

    /// <summary>Rows of a messages-JSONL file; the id is prompt_id (suffixed when an id repeats).</summary>
    public static List<ChatExample> Read(string relativePath, int? take = null)
    {
        var rows = new List<ChatExample>();
        var seen = new HashSet<string>();
        foreach (var line in File.ReadLines(Path.Combine(Root, relativePath)))
        {
            if (line.Trim().Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var turns = root.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatTurn(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
            string id = root.TryGetProperty("prompt_id", out var pid) ? pid.GetString()! : $"row{rows.Count}";
            if (!seen.Add(id)) id = $"{id}#{rows.Count}";
            rows.Add(new ChatExample(id, turns));
            if (rows.Count == take) break;
        }
        return rows;
    }

    /// <summary>Extra properties of each row (e.g. "generator"), in file order.</summary>
    public static List<string> Field(string relativePath, string field) =>
        File.ReadLines(Path.Combine(Root, relativePath)).Where(l => l.Trim().Length > 0)
            .Select(l => { using var d = JsonDocument.Parse(l); return d.RootElement.GetProperty(field).GetString()!; }).ToList();
}
