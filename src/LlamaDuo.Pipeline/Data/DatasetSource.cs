using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Hub;
using LlamaDuo.Pipeline.Config;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// Resolves <c>data.path</c> and <c>data.format</c> to the files to read and a reader for each. A Hugging Face
/// datasets folder is read from its data/ files (*.parquet, *.jsonl, in name order); the Arrow layout that
/// <c>save_to_disk</c> writes (dataset_info.json + *.arrow) is not supported.
/// </summary>
internal static class DatasetSource
{
    public static IReadOnlyList<(string File, IRecordReader Reader)> Resolve(DataOptions data)
    {
        var path = data.Path;
        if (HfReference.IsReference(path))
        {
            // hf:owner/name[@rev]: the dataset's Parquet/JSONL files come into the hub cache, read as an HF folder.
            using var hub = HfHub.FromEnvironment();
            return HfFiles(hub.DownloadDatasetAsync(path).GetAwaiter().GetResult());
        }
        var format = data.Format;
        if (format == DataFormat.Auto) format = Detect(path);
        if (format == DataFormat.Hf) return HfFiles(path);
        if (!File.Exists(path))
            throw new InputException(Directory.Exists(path) ? "is a folder; set data.format: hf for a Hugging Face datasets folder" : "dataset file not found", path, field: "data.path");
        return [(path, ReaderFor(format))];
    }

    static DataFormat Detect(string path)
    {
        if (Directory.Exists(path)) return DataFormat.Hf;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => DataFormat.Jsonl,
            ".csv" => DataFormat.Csv,
            ".parquet" => DataFormat.Parquet,
            _ when !File.Exists(path) => throw new InputException("dataset file or folder not found", path, field: "data.path"),
            var ext => throw new InputException($"cannot tell the format from the extension '{ext}'; set data.format to jsonl, csv, parquet or hf", path, field: "data.format"),
        };
    }

    static IRecordReader ReaderFor(DataFormat format) => format switch
    {
        DataFormat.Jsonl => new JsonlRecordReader(),
        DataFormat.Csv => new CsvRecordReader(),
        DataFormat.Parquet => new ParquetRecordReader(),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    static IReadOnlyList<(string, IRecordReader)> HfFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw new InputException("Hugging Face datasets folder not found", folder, field: "data.path");
        var dataDir = Path.Combine(folder, "data");
        var root = Directory.Exists(dataDir) ? dataDir : folder;
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? (IRecordReader)new ParquetRecordReader() : new JsonlRecordReader()))
            .ToList();
        if (files.Count > 0) return files;
        var arrow = Directory.EnumerateFiles(folder, "*.arrow", SearchOption.AllDirectories).Any();
        throw new InputException(arrow
            ? "this is the Arrow layout written by save_to_disk, which is not supported; write the dataset with ds.to_parquet('data/train.parquet') or to_json(lines=True)"
            : "no data/*.parquet or data/*.jsonl files in this folder", folder, field: "data.path");
    }
}
