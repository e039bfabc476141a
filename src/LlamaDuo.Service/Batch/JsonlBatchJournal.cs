using System.Text.Json;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// A journal in a JSONL file: one line per upsert, the last line for an id wins. Reopening the file restores every
/// record, so a restarted process sees the batches its predecessor submitted. A torn last line (a crash mid-write) is
/// skipped.
/// </summary>
internal sealed class JsonlBatchJournal : IBatchJournal, IDisposable
{
    readonly MemoryBatchJournal _memory = new();
    readonly StreamWriter _file;
    readonly Lock _lock = new();

    /// <summary>Opens (or creates) the journal file.</summary>
    public JsonlBatchJournal(string path)
    {
        Path = path;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
                if (TryParse(line) is { } record) _memory.Upsert(record);
        var tornTail = File.Exists(path) && new FileInfo(path).Length > 0 && !EndsWithNewline(path);
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        // A line cut short by a crash gets its newline now, so the next record starts on a line of its own.
        if (tornTail) _file.WriteLine();
    }

    /// <summary>The JSONL file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public void Upsert(BatchRecord record)
    {
        lock (_lock)
        {
            _file.WriteLine(JsonSerializer.Serialize(record));
            _memory.Upsert(record);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<BatchRecord> ListOpen() => _memory.ListOpen();

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock) _file.Dispose();
    }

    static bool EndsWithNewline(string path)
    {
        using var f = File.OpenRead(path);
        f.Seek(-1, SeekOrigin.End);
        return f.ReadByte() == '\n';
    }

    static BatchRecord? TryParse(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try { return JsonSerializer.Deserialize<BatchRecord>(line); }
        catch (JsonException) { return null; }
    }
}
