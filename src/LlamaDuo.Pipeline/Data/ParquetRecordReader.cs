using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;
using Parquet.Serialization;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// Parquet files, including nested columns such as Hugging Face's messages: list&lt;struct&lt;role, content&gt;&gt;.
/// Provenance lines are 1-based row numbers.
/// </summary>
internal sealed class ParquetRecordReader : IRecordReader
{
    public IEnumerable<RawRecord> Read(string path)
    {
        IList<Dictionary<string, object>> rows;
        try
        {
            using var stream = File.OpenRead(path);
            var result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
            rows = result.Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new InputException($"could not read the Parquet file: {e.Message}", path, inner: e);
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var fields = JsonSerializer.SerializeToNode(rows[i]) as JsonObject ?? new JsonObject();
            yield return new RawRecord(fields, path, i + 1);
        }
    }
}
