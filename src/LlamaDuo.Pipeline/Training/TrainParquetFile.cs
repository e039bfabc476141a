using System.Text.Json.Serialization;
using LlamaDuo.Pipeline.Data;
using Parquet.Serialization;

namespace LlamaDuo.Pipeline.Training;

/// <summary>
/// Writes training rows as Parquet in Hugging Face's conversational layout: id plus messages as
/// list&lt;struct&lt;role, content&gt;&gt;, which `datasets.load_dataset` and TRL's SFTTrainer read directly.
/// </summary>
internal static class TrainParquetFile
{
    sealed class Turn
    {
        [JsonPropertyName("role")] public string Role { get; set; } = "";
        [JsonPropertyName("content")] public string Content { get; set; } = "";
    }

    sealed class Row
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("messages")] public List<Turn> Messages { get; set; } = [];
    }

    public static async Task WriteAsync(string path, IEnumerable<CoverageRow> rows, CancellationToken ct)
    {
        var data = rows.Select(r => new Row
        {
            Id = r.Id,
            Messages = r.Example.Messages.Select(m => new Turn { Role = m.Role, Content = m.Content }).ToList(),
        }).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var staging = path + ".tmp";
        await using (var stream = File.Create(staging))
            await ParquetSerializer.SerializeAsync(data, stream, cancellationToken: ct);
        File.Move(staging, path, overwrite: true);
    }
}
