using System.Text;
using System.Text.Json;

namespace LlamaDuo.Pipeline.Store;

/// <summary>
/// An append-only JSONL file that survives crashes: each record is one line written with a single write and
/// flushed to disk, so after a kill only the last line can be torn. Opening the log finds a torn tail (bytes after
/// the last newline, or a last line that is not valid JSON) and cuts it off, so a resumed stage appends after the
/// last complete record. Used for ledger.jsonl and per-round progress logs (generations, judgements, synthetic rows).
/// </summary>
internal sealed class JsonlAppendLog : IDisposable
{
    readonly FileStream _stream;
    readonly bool _durable;

    /// <param name="path">The log file; created with its folder when missing.</param>
    /// <param name="durable">fsync after every record (safe against power loss, slower); a flush to the OS always happens.</param>
    public JsonlAppendLog(string path, bool durable = true)
    {
        Path = path;
        _durable = durable;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        TornBytesDropped = DropTornTail(_stream);
        _stream.Seek(0, SeekOrigin.End);
    }

    public string Path { get; }

    /// <summary>How many bytes of an incomplete last record were cut off when the log was opened (0 after a clean stop).</summary>
    public long TornBytesDropped { get; }

    /// <summary>Appends one record serialised as a single JSON line.</summary>
    public void Append<T>(T record, JsonSerializerOptions? options = null) => AppendLine(JsonSerializer.Serialize(record, options));

    /// <summary>Appends one line of JSON text, which must not contain a newline.</summary>
    public void AppendLine(string json)
    {
        if (json.Contains('\n')) throw new ArgumentException("a JSONL record must be one line", nameof(json));
        var bytes = Encoding.UTF8.GetBytes(json + "\n");
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: _durable);
    }

    /// <summary>Reads the complete records of a log (a torn last line is skipped, not an error); empty when the file is missing.</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        if (!File.Exists(path)) return [];
        var text = File.ReadAllText(path);
        var end = text.LastIndexOf('\n');
        var lines = end < 0 ? [] : text[..end].Split('\n').Where(l => l.Length > 0).ToList();
        if (lines.Count > 0 && !IsJson(lines[^1])) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>Reads and deserialises the complete records of a log.</summary>
    public static IReadOnlyList<T> Read<T>(string path, JsonSerializerOptions? options = null) =>
        ReadLines(path).Select(l => JsonSerializer.Deserialize<T>(l, options)!).ToList();

    public void Dispose() => _stream.Dispose();

    static long DropTornTail(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0) return 0;
        var keep = LastNewlineEnd(stream, length);
        // A complete-looking last line can still be torn when a crash lost its middle but kept its newline; check it parses.
        if (keep > 0)
        {
            var start = LastNewlineEnd(stream, keep - 1);
            var line = new byte[keep - 1 - start];
            stream.Seek(start, SeekOrigin.Begin);
            stream.ReadExactly(line);
            if (!IsJson(Encoding.UTF8.GetString(line))) keep = start;
        }
        if (keep == length) return 0;
        stream.SetLength(keep);
        stream.Flush(flushToDisk: true);
        return length - keep;
    }

    /// <summary>The offset just after the last '\n' before <paramref name="end"/>, or 0 when there is none.</summary>
    static long LastNewlineEnd(FileStream stream, long end)
    {
        var buffer = new byte[64 * 1024];
        var pos = end;
        while (pos > 0)
        {
            var n = (int)Math.Min(buffer.Length, pos);
            pos -= n;
            stream.Seek(pos, SeekOrigin.Begin);
            stream.ReadExactly(buffer, 0, n);
            var i = Array.LastIndexOf(buffer, (byte)'\n', n - 1, n);
            if (i >= 0) return pos + i + 1;
        }
        return 0;
    }

    static bool IsJson(string line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
