using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Pipeline.Data;

/// <summary>JSON Lines: one JSON object per line; blank lines are skipped.</summary>
internal sealed class JsonlRecordReader : IRecordReader
{
    public IEnumerable<RawRecord> Read(string path)
    {
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new InputException($"not valid JSON ({e.Message}); each line must be one JSON object", path, lineNo, inner: e);
            }
            if (node is not JsonObject fields)
                throw new InputException("expected a JSON object per line", path, lineNo, value: line);
            yield return new RawRecord(fields, path, lineNo);
        }
    }
}
