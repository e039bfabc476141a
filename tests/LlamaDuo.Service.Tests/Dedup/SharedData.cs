using System.Text.Json;
using LlamaDuo.Core.Data;

namespace LlamaDuo.Service.Tests.Dedup;

/// <summary>
/// Reads the real datasets of the project's shared/ folder (no_robots, LlamaDuo's synthetic parts, MT-Bench) as
/// ChatExamples. shared/ sits beside the repository (../shared), in CI as on developer machines.
/// </summary>
static class SharedData
{
    public static readonly string Root = Find();

    /// <summary>Fails the test (never skips it silently) when the shared data cannot be found.</summary>
    public static void Require() =>
        Assert.True(Directory.Exists(Root), $"shared data not found (looked for shared/data above {AppContext.BaseDirectory}); the real-data tests need the project's shared/ folder beside the repository");

    /// <summary>The first shared/data found walking up from the test's bin folder (the repository's parent holds it).</summary>
    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return "/work/shared/data";
    }

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
