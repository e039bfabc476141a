using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Judge;

namespace LlamaDuo.Pipeline.Report.Examples;

/// <summary>
/// Every example of a run as one compact JSON document for the report's script: the test prompts with references,
/// each judged round's answers (K per prompt) with the judge's M calls (scores, both reasons, errors), and each
/// round's synthetic rows with seeds and dedup decision. Texts go through one string table, so a reason or answer
/// repeated across calls is stored once. Layout (indices into "strings"; -1 for none):
/// <code>
/// prompts:   [[id, prompt, reference], ...]
/// rounds:    [{round, answers: [[prompt index, sample, text, similarity, precision, [[sim, prec, sim reason, prec reason, error], ...]], ...]}]
/// synthetic: [{round, rows: [[id, prompt, answer, [seed ids], dedup reason, collided with, dedup similarity], ...]}]
/// </code>
/// </summary>
internal static class ExamplesData
{
    static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document for one run folder, as JSON that is safe inside a &lt;script&gt; element.</summary>
    public static string Json(RunFolder folder, double rowThreshold)
    {
        var strings = new StringTable();
        var test = File.Exists(folder.TestPath) ? DatasetFile.Read(folder.TestPath) : [];
        var index = new Dictionary<string, int>();
        var prompts = new JsonArray();
        foreach (var row in test)
        {
            index[row.Id] = prompts.Count;
            prompts.Add(new JsonArray(strings.Id(row.Id), strings.Id(row.Example.Prompt), strings.Id(row.Example.Response)));
        }
        var rounds = new JsonArray();
        var synthetic = new JsonArray();
        foreach (var round in Rounds(folder))
        {
            var judged = folder.RoundFile(round, "judgements.jsonl");
            if (File.Exists(judged)) rounds.Add(new JsonObject { ["round"] = round, ["answers"] = Answers(judged, index, strings) });
            var synth = folder.RoundFile(round, "synthetic.jsonl");
            if (File.Exists(synth)) synthetic.Add(new JsonObject { ["round"] = round, ["rows"] = SyntheticRows(synth, folder.RoundFile(round, "dedup.jsonl"), strings) });
        }
        var doc = new JsonObject
        {
            ["threshold"] = rowThreshold,
            ["prompts"] = prompts,
            ["rounds"] = rounds,
            ["synthetic"] = synthetic,
            ["strings"] = strings.ToJson(),
        };
        // Only inside strings can '<' occur; as \u003c no "</script>" or "<!--" can end or confuse the element.
        return doc.ToJsonString(Compact).Replace("<", "\\u003c", StringComparison.Ordinal);
    }

    static IEnumerable<int> Rounds(RunFolder folder) => Directory.Exists(folder.Root)
        ? Directory.EnumerateDirectories(folder.Root, "round-*").Select(d => Path.GetFileName(d)[6..])
            .Select(s => int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : -1).Where(r => r >= 0).Order()
        : [];

    static JsonArray Answers(string path, Dictionary<string, int> index, StringTable strings)
    {
        var answers = new JsonArray();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            var row = JsonSerializer.Deserialize<JudgedRow>(line)!;
            var promptId = row.Item.PromptId ?? row.Item.Id;
            if (!index.TryGetValue(promptId, out var p)) continue; // not a test row of this run (cannot happen unless files were edited)
            var hash = row.Item.Id.LastIndexOf('#');
            var sample = hash >= 0 && int.TryParse(row.Item.Id[(hash + 1)..], out var k) ? k : 0;
            var calls = new JsonArray();
            foreach (var c in row.Calls)
                calls.Add(new JsonArray(Num(c.Scores?.Similarity), Num(c.Scores?.Precision), strings.Id(c.Scores?.SimilarityReason),
                    strings.Id(c.Scores?.PrecisionReason), strings.Id(c.Error)));
            if (row.Calls.Count == 0 && row.Diagnostics.Count > 0)
                calls.Add(new JsonArray(null, null, -1, -1, strings.Id(row.Diagnostics[0].Message)));
            answers.Add(new JsonArray(p, sample, strings.Id(row.Item.Candidate), Num(row.Similarity), Num(row.Precision), calls));
        }
        return answers;
    }

    static JsonArray SyntheticRows(string synthPath, string dedupPath, StringTable strings)
    {
        var decisions = File.Exists(dedupPath)
            ? File.ReadLines(dedupPath).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<DedupDecision>(l)!).GroupBy(d => d.RowId).ToDictionary(g => g.Key, g => g.First())
            : [];
        var rows = new JsonArray();
        foreach (var line in File.ReadLines(synthPath))
        {
            if (line.Length == 0) continue;
            var node = JsonNode.Parse(line)!;
            var id = (string?)node["id"] ?? "";
            var messages = node["messages"]?.AsArray() ?? [];
            string? Turn(string role) => messages.LastOrDefault(m => string.Equals((string?)(m?["Role"] ?? m?["role"]), role, StringComparison.OrdinalIgnoreCase)) is { } m
                ? (string?)(m["Content"] ?? m["content"]) : null;
            var seeds = new JsonArray((node["provenance"]?["SeedIds"]?.AsArray() ?? []).Select(s => (JsonNode)strings.Id((string?)s)).ToArray());
            decisions.TryGetValue(id, out var d);
            rows.Add(new JsonArray(strings.Id(id), strings.Id(Turn("user")), strings.Id(Turn("assistant")), seeds,
                strings.Id(d?.Reason.ToString() ?? "not deduplicated"), strings.Id(d?.CollidedWith), Num(d?.Similarity)));
        }
        return rows;
    }

    static JsonNode? Num(double? x) => x is { } v && double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 2)) : null;

    sealed class StringTable
    {
        readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        readonly List<string> _list = [];

        public int Id(string? s)
        {
            if (s is null) return -1;
            if (_ids.TryGetValue(s, out var id)) return id;
            _ids[s] = _list.Count;
            _list.Add(s);
            return _list.Count - 1;
        }

        public JsonArray ToJson() => new(_list.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
    }
}
