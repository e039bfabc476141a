using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// The run folder's own row format (data/train.jsonl, data/test.jsonl, round-NN/synthetic.jsonl): one JSON object a
/// line with id, messages and provenance. Written atomically; read back exactly.
/// </summary>
public static class DatasetFile
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    sealed record Line(string Id, IReadOnlyList<ChatTurn> Messages, string Source, int Line_, string Origin, int Round);

    public static void Write(string path, IEnumerable<CoverageRow> rows) =>
        AtomicFile.WriteAllLines(path, rows.Select(ToJson));

    public static string ToJson(CoverageRow row) => JsonSerializer.Serialize(new
    {
        id = row.Id,
        messages = row.Example.Messages.Select(m => new { role = m.Role, content = m.Content }),
        provenance = new { source = row.Provenance.Source, line = row.Provenance.Line, origin = row.Provenance.Origin, round = row.Provenance.Round },
    }, Json);

    public static IReadOnlyList<CoverageRow> Read(string path)
    {
        var rows = new List<CoverageRow>();
        var lineNo = 0;
        foreach (var text in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var messages = root.GetProperty("messages").EnumerateArray()
                    .Select(m => new ChatTurn(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
                var p = root.GetProperty("provenance");
                rows.Add(new CoverageRow(new ChatExample(root.GetProperty("id").GetString()!, messages),
                    new RowProvenance(p.GetProperty("source").GetString()!, p.GetProperty("line").GetInt32(), p.GetProperty("origin").GetString()!, p.GetProperty("round").GetInt32())));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InputException($"not a LlamaDuo dataset line ({e.Message})", path, lineNo, inner: e);
            }
        }
        return rows;
    }
}
